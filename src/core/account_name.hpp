// Account names ignore ASCII case: `Alice` and `alice` are one account. The
// spelling an account was created with is the one shown; these helpers make
// any spelling find it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace parley::core {

// ASCII letters in lower case, every other byte as it is.
std::string fold_name(std::string_view name);
bool same_name(std::string_view a, std::string_view b);
// Orders names without regard to case.
bool name_less(std::string_view a, std::string_view b);

// Hash and equality for containers keyed by a name in any spelling; both
// accept string_views, so a lookup copies nothing.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const;
};
struct NameEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return same_name(a, b); }
};

template <class T>
using NameMap = std::unordered_map<std::string, T, NameHash, NameEqual>;
using NameViewSet = std::unordered_set<std::string_view, NameHash, NameEqual>;

}  // namespace parley::core
