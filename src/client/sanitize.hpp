// Makes server text safe to print on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace parley::client {

// Removes everything that could drive the terminal: C0 and C1 controls, DEL,
// escape sequences (CSI, OSC, DCS and two-byte ones) and bidirectional
// overrides; a tab becomes a space and invalid UTF-8 becomes U+FFFD. The
// server already does this for relayed text; this is defence in depth.
std::string sanitize_for_terminal(std::string_view text);

}  // namespace parley::client
