// Helpers shared by the server end-to-end tests (server_support.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace parley::test::support {

std::string read_file(const std::string& path);
bool ipv6_loopback_available();
std::size_t count_of(const std::string& haystack, const std::string& needle);
bool split_stamp(const std::string& line, std::string& stamp, std::string& rest);
bool send_all(int fd, const std::string& bytes);
bool read_until(int fd, std::string& buffer, const std::string& text, std::string& out,
                std::chrono::milliseconds timeout);
bool parse_numbered(const std::string& line, const std::string& tag, std::string& sender, std::string& name,
                    int& number);
int connect_from(const std::string& source, unsigned short port, int rcvbuf);
bool read_to_eof(int fd, std::string& buffer, std::chrono::milliseconds timeout);

}  // namespace parley::test::support
