#include "core/password.hpp"

#include <sodium.h>

#include <array>
#include <mutex>
#include <stdexcept>

namespace parley::core {

namespace {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

struct Limits {
  unsigned long long ops;
  std::size_t mem;
};

Limits limits(HashCost cost) {
  switch (cost) {
    case HashCost::moderate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case HashCost::minimal:
      return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
    case HashCost::interactive:
      break;
  }
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

}  // namespace

std::size_t hash_memory(HashCost cost) { return limits(cost).mem; }

HashCost parse_hash_cost(std::string_view name) {
  if (name == "interactive") return HashCost::interactive;
  if (name == "moderate") return HashCost::moderate;
  if (name == "min") return HashCost::minimal;
  throw std::invalid_argument("password hash cost must be interactive, moderate or min");
}

std::string hash_password(std::string_view password, HashCost cost) {
  ensure_sodium();
  auto [ops, mem] = limits(cost);
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return std::string(out.data());
}

bool verify_password(const std::string& hash, std::string_view password) {
  ensure_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash, HashCost cost) {
  ensure_sodium();
  auto [ops, mem] = limits(cost);
  return crypto_pwhash_str_needs_rehash(hash.c_str(), ops, mem) != 0;
}

const std::string& decoy_hash(HashCost cost) {
  static std::mutex mutex;
  static std::array<std::string, 3> hashes;
  std::lock_guard lock(mutex);
  auto& h = hashes[static_cast<std::size_t>(cost)];
  if (h.empty()) {
    ensure_sodium();
    std::array<unsigned char, 16> random{};
    randombytes_buf(random.data(), random.size());
    h = hash_password(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()), cost);
  }
  return h;
}

}  // namespace parley::core
