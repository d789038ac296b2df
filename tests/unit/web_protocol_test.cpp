// The web protocol's JSON: requests read with their errors, events written
// as valid JSON with the fields docs/WEB.md promises.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "proto/web/json_writer.hpp"
#include "proto/web/web_format.hpp"
#include "proto/web/web_request.hpp"

namespace web = parley::proto::web;
namespace core = parley::core;
namespace json = boost::json;

namespace {

json::object parsed(const std::string& line) {
  EXPECT_TRUE(line.ends_with("\n")) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
  json::error_code ec;
  auto v = json::parse(line, ec);
  EXPECT_FALSE(ec) << line;
  EXPECT_TRUE(v.is_object()) << line;
  return v.is_object() ? v.as_object() : json::object{};
}

core::TimePoint at(std::int64_t millis) { return core::TimePoint{std::chrono::milliseconds(millis)}; }

}  // namespace

TEST(WebRequest, ReadsTypeRefAndFields) {
  auto r = web::parse_request(R"({"type":"send","to":"bob","text":"hi","ref":"7"})");
  ASSERT_TRUE(std::holds_alternative<web::Request>(r));
  const auto& req = std::get<web::Request>(r);
  EXPECT_EQ(req.type, "send");
  EXPECT_EQ(req.ref, "7");
  EXPECT_EQ(web::need_text(req, "to"), "bob");
  EXPECT_EQ(web::maybe_text(req, "nothing"), std::nullopt);
}

TEST(WebRequest, BadJsonAndShapes) {
  for (const char* text : {"", "{", "not json", "[1,2]", "\"text\"", "{\"type\":1}x"}) {
    auto r = web::parse_request(text);
    ASSERT_TRUE(std::holds_alternative<web::BadRequest>(r)) << text;
    EXPECT_EQ(std::get<web::BadRequest>(r).code, "bad_json") << text;
  }
  auto no_type = web::parse_request(R"({"ref":"x"})");
  ASSERT_TRUE(std::holds_alternative<web::BadRequest>(no_type));
  EXPECT_EQ(std::get<web::BadRequest>(no_type).code, "bad_request");
  EXPECT_EQ(std::get<web::BadRequest>(no_type).ref, "x");
  auto long_ref = web::parse_request(R"({"type":"ping","ref":")" + std::string(65, 'r') + "\"}");
  ASSERT_TRUE(std::holds_alternative<web::BadRequest>(long_ref));
}

TEST(WebRequest, DeepNestingIsRefused) {
  std::string deep = R"({"type":"ping","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  auto r = web::parse_request(deep);
  ASSERT_TRUE(std::holds_alternative<web::BadRequest>(r));
  EXPECT_EQ(std::get<web::BadRequest>(r).code, "bad_json");
}

TEST(WebRequest, InvalidUtf8IsRefused) {
  auto r = web::parse_request("{\"type\":\"send\",\"text\":\"\xff\xfe\"}");
  EXPECT_TRUE(std::holds_alternative<web::BadRequest>(r));
}

TEST(WebRequest, FieldsOfTheWrongTypeNameThemselves) {
  auto req = std::get<web::Request>(
      web::parse_request(R"({"type":"x","to":5,"n":"5","b":1,"list":["a",2],"big":18446744073709551615})"));
  try {
    web::need_text(req, "to");
    FAIL();
  } catch (const web::FieldError& e) {
    EXPECT_STREQ(e.what(), "\"to\" must be a string");
  }
  EXPECT_THROW(web::need_text(req, "missing"), web::FieldError);
  EXPECT_THROW(web::maybe_number(req, "n"), web::FieldError);
  EXPECT_THROW(web::maybe_number(req, "big"), web::FieldError);
  EXPECT_THROW(web::maybe_flag(req, "b"), web::FieldError);
  EXPECT_THROW(web::maybe_texts(req, "list", 10), web::FieldError);
  auto ok = std::get<web::Request>(web::parse_request(R"({"type":"x","list":["a","b","c"],"n":3,"b":true})"));
  EXPECT_EQ(web::maybe_texts(ok, "list", 10)->size(), 3u);
  EXPECT_THROW(web::maybe_texts(ok, "list", 2), web::FieldError);
  EXPECT_EQ(web::maybe_number(ok, "n"), 3);
  EXPECT_EQ(web::maybe_flag(ok, "b"), true);
}

TEST(WebFormat, TimesAreUtcWithMilliseconds) {
  EXPECT_EQ(web::iso_time(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(web::iso_time(at(1796060102123)), "2026-11-30T17:35:02.123Z");
}

TEST(WebFormat, MessagesCarryStructuredFields) {
  core::ChatMessage m;
  m.sender = "bob";
  m.text = "<script>alert(1)</script> \"quoted\" \\ \x01";
  m.kind = core::MessageKind::private_message;
  m.sent_at = at(1000);
  auto o = parsed(web::live_line(m));
  EXPECT_EQ(o.at("type"), "message");
  EXPECT_EQ(o.at("kind"), "private");
  EXPECT_EQ(o.at("from"), "bob");
  EXPECT_EQ(std::string(o.at("text").as_string()), m.text);
  EXPECT_EQ(o.at("time"), "1970-01-01T00:00:01.000Z");
  EXPECT_FALSE(o.contains("id"));
  EXPECT_FALSE(o.contains("offline"));

  m.kind = core::MessageKind::room;
  m.room = "#team";
  m.id = 42;
  auto r = parsed(web::live_line(m));
  EXPECT_EQ(r.at("kind"), "room");
  EXPECT_EQ(r.at("room"), "#team");
  EXPECT_EQ(r.at("id"), 42);

  m.kind = core::MessageKind::private_message;
  auto off = parsed(web::message_object(m, 0, "alice", true) + "\n");
  EXPECT_EQ(off.at("offline"), true);
  EXPECT_EQ(off.at("to"), "alice");
}

TEST(WebFormat, EventsAndPresence) {
  core::ChatMessage e;
  e.kind = core::MessageKind::room_event;
  e.event = core::RoomEvent::removed;
  e.sender = "carol";
  e.target = "bob";
  e.room = "#team";
  auto o = parsed(web::live_line(e));
  EXPECT_EQ(o.at("type"), "room_event");
  EXPECT_EQ(o.at("event"), "removed");
  EXPECT_EQ(o.at("by"), "carol");
  EXPECT_EQ(o.at("target"), "bob");

  core::ChatMessage p;
  p.kind = core::MessageKind::presence;
  p.presence = core::PresenceChange::away;
  p.sender = "bob";
  p.text = "lunch";
  auto q = parsed(web::live_line(p));
  EXPECT_EQ(q.at("type"), "presence");
  EXPECT_EQ(q.at("state"), "away");
  EXPECT_EQ(q.at("text"), "lunch");

  core::ChatMessage i;
  i.kind = core::MessageKind::invitation;
  i.sender = "carol";
  i.room = "#team";
  EXPECT_EQ(parsed(web::live_line(i)).at("type"), "invitation");
}

TEST(WebFormat, ErrorsDropTheClassicPrefix) {
  auto o = parsed(web::error_line("no_such_user", "Error: no user named zed\n", "r1"));
  EXPECT_EQ(o.at("code"), "no_such_user");
  EXPECT_EQ(o.at("text"), "no user named zed");
  EXPECT_EQ(o.at("ref"), "r1");
  EXPECT_FALSE(parsed(web::error_line("x", "y", "")).contains("ref"));
}

TEST(WebFormat, UsersAndRooms) {
  core::UserSummary u{"bob", "Hi, I am <b>Bob</b>", false, ""};
  auto v = json::parse(web::users_array({u}));
  ASSERT_TRUE(v.is_array());
  EXPECT_EQ(v.as_array().at(0).as_object().at("intro"), "Hi, I am <b>Bob</b>");
  core::RoomInfo r;
  r.name = "#team";
  r.members = 3;
  auto room = json::parse(web::room_object(r)).as_object();
  EXPECT_EQ(room.at("members"), 3);
  EXPECT_EQ(room.at("invite_only"), false);
}
