// Base64 (RFC 4648, with padding): SASL PLAIN credentials and WebSocket keys.
#pragma once

#include <string>
#include <string_view>

namespace parley_load {

std::string base64(std::string_view in);

}  // namespace parley_load
