#include <gtest/gtest.h>

#include "client/sanitize.hpp"

using parley::client::sanitize_for_terminal;

TEST(ClientSanitize, PlainTextIsUnchanged) { EXPECT_EQ(sanitize_for_terminal("bob: hi there"), "bob: hi there"); }
