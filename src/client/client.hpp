// The whole `parley` program after its command line is parsed.
#pragma once

#include "client/options.hpp"

namespace parley::client {

// Connects and runs the interactive or scripted client; returns the exit status.
int run_client(const Options& options);

}  // namespace parley::client
