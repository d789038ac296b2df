#include "core/account_name.hpp"

#include <algorithm>

namespace parley::core {

namespace {
char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string fold_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = fold(c);
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return fold(x) == fold(y); });
}

bool name_less(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return static_cast<unsigned char>(fold(x)) < static_cast<unsigned char>(fold(y));
  });
}

std::size_t NameHash::operator()(std::string_view name) const {
  // FNV-1a over the folded bytes.
  std::size_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(fold(c));
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace parley::core
