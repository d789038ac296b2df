// Argon2id password hashing (libsodium).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::core {

enum class HashCost {
  interactive,  // libsodium's interactive limits: the default
  moderate,
  minimal,  // the smallest libsodium allows: for tests only
};

HashCost parse_hash_cost(std::string_view name);  // throws std::invalid_argument

std::string hash_password(std::string_view password, HashCost cost);
// Bytes one hash or check at this cost works in.
std::size_t hash_memory(HashCost cost);
bool verify_password(const std::string& hash, std::string_view password);
bool needs_rehash(const std::string& hash, HashCost cost);

// A valid hash of a random password, used to spend the same time on unknown
// user names as on known ones.
const std::string& decoy_hash(HashCost cost);

}  // namespace parley::core
