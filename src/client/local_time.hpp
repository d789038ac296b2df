// History and unread lines start with the time in UTC,
// "[YYYY-MM-DDTHH:MM:SSZ] "; the interactive client shows it in local time.
#pragma once

#include <string>
#include <string_view>

namespace parley::client {

// The line with a leading UTC stamp replaced by the local time (honouring
// TZ) as "[YYYY-MM-DD HH:MM:SS] "; any other line as it is.
std::string with_local_time(std::string_view line);

}  // namespace parley::client
