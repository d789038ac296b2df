// Tells the service manager (systemd, Type=notify) what parleyd is doing.
// Every call is a no-op when parleyd was not started with NOTIFY_SOCKET.
#pragma once

#include <string_view>

namespace parley::server {

// Every listener is open: the service is up. `status` is shown by
// `systemctl status`.
void notify_ready(std::string_view status);
// A reload starts now; notify_ready() ends it.
void notify_reloading();
// Shutdown has begun.
void notify_stopping();
// A one-line status text for `systemctl status`.
void notify_status(std::string_view text);

}  // namespace parley::server
