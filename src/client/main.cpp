// parley: the terminal client of parleyd.
#include <cstdio>
#include <exception>
#include <iostream>
#include <variant>

#include "client/client.hpp"
#include "client/options.hpp"

int main(int argc, char** argv) {
  auto parsed = parley::client::parse_options(argc, argv, std::cout, std::cerr);
  if (auto* status = std::get_if<int>(&parsed)) return *status;
  try {
    return parley::client::run_client(std::get<parley::client::Options>(parsed));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "parley: %s\n", error.what());
    return parley::client::kExitFailure;
  }
}
