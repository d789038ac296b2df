// parleyctl's exit codes (docs/ADMIN.md, parleyctl(8)).
#pragma once

namespace parley::ctl {

inline constexpr int kOk = 0;
inline constexpr int kRefused = 1;      // the server or the database refused or failed the operation
inline constexpr int kUsage = 2;        // a bad command line
inline constexpr int kUnreachable = 3;  // no server on the socket (and the database not free to use directly)

}  // namespace parley::ctl
