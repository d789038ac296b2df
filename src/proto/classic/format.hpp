// The classic protocol's wire strings. Users' scripts depend on them exactly.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/chat_service.hpp"
#include "core/message.hpp"
#include "session/admission.hpp"

namespace parley::proto::classic {

inline constexpr std::string_view kUsernamePrompt = "Username: ";
inline constexpr std::string_view kPasswordPrompt = "Password: ";
inline constexpr std::string_view kCommandPrompt = "Command: ";
inline constexpr std::string_view kIntroPrompt = "Please enter your personal introduction:\n";
inline constexpr std::string_view kOfflineHeader = "Your offline messages:\n";
inline constexpr std::string_view kOfflineKept =
    "Error: your offline messages cannot be shown now; they are kept for your next login\n";
inline constexpr std::string_view kLoggingOff = "Logging off\n";
inline constexpr std::string_view kShuttingDown = "Server is shutting down\n";
inline constexpr std::string_view kBadCredentials = "Error: invalid username or password\n";
inline constexpr std::string_view kLoginTimedOut = "Error: login timed out\n";
inline constexpr std::string_view kStoreFailed = "Error: the message could not be stored; please try again\n";

std::string welcome_line(std::string_view welcome);
std::string line_too_long(std::size_t limit);
std::string blocked_now(std::string_view user, std::chrono::seconds block);
std::string still_blocked(std::string_view user, std::chrono::seconds left);
std::string idle_logout(std::chrono::seconds timeout);
std::string idle_warning(std::chrono::seconds left);
// The last line of a connection the server's operator ends (parleyctl).
std::string admin_end(core::AdminEnd why);
// "Notice from the server: <text>" (parleyctl notice).
std::string notice_line(std::string_view text);
// The one line a client gets before the server closes a connection it will
// not serve (a limit, or a full password check queue).
std::string refusal(session::Refusal why, std::chrono::seconds left);

// "<sender>: <text> <private message>" or "... <broadcast message>"
std::string live_message(const core::ChatMessage& message);
// The same, behind "[YYYY-MM-DD HH:MM] " in the server's local time.
std::string offline_message(const core::ChatMessage& message);

std::string who_else(const std::vector<core::UserSummary>& users);
std::string who_last(int minutes, const std::vector<core::UserSummary>& users);

std::string receiver_offline(std::string_view user);
std::string users_offline(std::size_t count);
std::string no_such_user(std::string_view user);
std::string unknown_command(std::string_view word);
std::string usage(std::string_view syntax);
std::string wholast_range(int last_hour);
std::string intro_saved(core::IntroStatus status, std::size_t limit);
inline constexpr std::string_view kMessageToSelf = "Error: you cannot send a message to yourself\n";
inline constexpr std::string_view kNoOtherRecipients = "Error: no recipients other than yourself\n";

std::string help_text(int last_hour);

}  // namespace parley::proto::classic
