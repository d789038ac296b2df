// The control protocol's wire format: strict requests, responses that
// cannot be broken by what they carry, and JSON that is always valid.
#include <gtest/gtest.h>

#include "proto/control/json.hpp"
#include "proto/control/request.hpp"
#include "proto/control/response.hpp"

using namespace parley::proto::control;

namespace {

std::string problem(std::string_view line) {
  auto parsed = parse_request(line);
  auto* p = std::get_if<std::string>(&parsed);
  return p ? *p : "";
}

}  // namespace

TEST(ControlRequest, RoundTripsEveryCommand) {
  for (const auto& r :
       {Request{"user-add", {"alice", "s3cret!"}}, Request{"user-passwd", {"Bob", "x"}}, Request{"user-del", {"carol"}},
        Request{"user-list", {}}, Request{"who", {}}, Request{"kick", {"dave"}},
        Request{"notice", {"back in 5 minutes, sorry"}}, Request{"reload", {}}, Request{"status", {}}}) {
    auto line = format_request(r);
    ASSERT_EQ(line.back(), '\n');
    auto parsed = parse_request(std::string_view(line).substr(0, line.size() - 1));
    ASSERT_TRUE(std::holds_alternative<Request>(parsed)) << line;
    EXPECT_EQ(std::get<Request>(parsed), r);
  }
}

TEST(ControlRequest, RefusesWhatIsNotExactlyACommand) {
  EXPECT_EQ(problem("frob"), "unknown command 'frob'");
  EXPECT_EQ(problem(""), "empty field in request");
  EXPECT_EQ(problem("user-del"), "user-del takes 1 argument");
  EXPECT_EQ(problem("user-add\talice"), "user-add takes 2 arguments");
  EXPECT_EQ(problem("status\textra"), "status takes 0 arguments");
  EXPECT_EQ(problem("kick\t"), "empty field in request");
  EXPECT_EQ(problem("kick\t\tbob"), "empty field in request");
  EXPECT_EQ(problem("notice\tbell\a"), "control character in request");
  EXPECT_EQ(problem("notice\tcr\r"), "control character in request");
  EXPECT_EQ(problem("notice\tbad \xC3("), "request is not valid UTF-8");
  EXPECT_EQ(problem("notice\toverlong \xC0\xAF"), "request is not valid UTF-8");
  EXPECT_EQ(problem("notice\tsurrogate \xED\xA0\x80"), "request is not valid UTF-8");
  EXPECT_EQ(problem("notice\tcut \xE2\x82"), "request is not valid UTF-8");
  EXPECT_EQ(problem("notice\tfine \xE2\x82\xAC \xF0\x9F\x98\x80"), "");
  EXPECT_EQ(problem("notice\t" + std::string(kMaxRequestLine, 'x')),
            "request longer than " + std::to_string(kMaxRequestLine) + " bytes");
  EXPECT_EQ(problem("USER-LIST"), "unknown command 'USER-LIST'");
  EXPECT_THROW(format_request({"kick", {"a\tb"}}), std::invalid_argument);
}

TEST(ControlRequest, RoomCommandsTakeTheRoomAndTheirArguments) {
  for (const auto& r :
       {Request{"room-list", {}}, Request{"room-members", {"#lobby"}},
        Request{"room-topic", {"#lobby", "Release day: be kind"}}, Request{"room-topic", {"#lobby", "-"}},
        Request{"room-remove", {"bob", "#lobby"}}, Request{"room-owner", {"bob", "#Lobby"}},
        Request{"room-handover", {"carol", "#dev"}}, Request{"room-access", {"#dev", "invite-only"}},
        Request{"room-access", {"#dev", "public"}}, Request{"room-invite", {"dave", "#dev"}}}) {
    auto line = format_request(r);
    auto parsed = parse_request(std::string_view(line).substr(0, line.size() - 1));
    ASSERT_TRUE(std::holds_alternative<Request>(parsed)) << line;
    EXPECT_EQ(std::get<Request>(parsed), r);
  }
  EXPECT_EQ(problem("room-list\t#lobby"), "room-list takes 0 arguments");
  EXPECT_EQ(problem("room-members"), "room-members takes 1 argument");
  EXPECT_EQ(problem("room-topic\t#lobby"), "room-topic takes 2 arguments");
  EXPECT_EQ(problem("room-topic\t#lobby\t"), "empty field in request");
  EXPECT_EQ(problem("room-topic\t#lobby\ttwo\tfields"), "room-topic takes 2 arguments");
  EXPECT_EQ(problem("room-remove\tbob"), "room-remove takes 2 arguments");
  EXPECT_EQ(problem("room-owner\t#lobby"), "room-owner takes 2 arguments");
  EXPECT_EQ(problem("room-handover\tbob\t#lobby\tcarol"), "room-handover takes 2 arguments");
  EXPECT_EQ(problem("room-access\t#lobby"), "room-access takes 2 arguments");
  EXPECT_EQ(problem("room-invite\tbob"), "room-invite takes 2 arguments");
  EXPECT_EQ(problem("room-topic\t#lobby\tbell\a"), "control character in request");
  EXPECT_EQ(problem("room\tlist"), "unknown command 'room'");
  EXPECT_EQ(problem("room-kick\tbob\t#lobby"), "unknown command 'room-kick'");
}

TEST(ControlResponse, RoundTripsRowsAndErrors) {
  Response ok = Response::success({{"alice", "file", "enabled", "-", "offline"}, {"bob", "parleyctl"}});
  auto text = format_response(ok);
  EXPECT_EQ(text, "ok\t2\nalice\tfile\tenabled\t-\toffline\nbob\tparleyctl\n");
  auto parsed = parse_response(text);
  ASSERT_TRUE(std::holds_alternative<Response>(parsed));
  EXPECT_EQ(std::get<Response>(parsed), ok);

  Response error = Response::failure(ErrorKind::refused, "no such user: x");
  EXPECT_EQ(format_response(error), "error\trefused\tno such user: x\n");
  EXPECT_EQ(std::get<Response>(parse_response(format_response(error))), error);
}

TEST(ControlResponse, FieldsCannotBreakTheFraming) {
  auto text = format_response(Response::success({{"a\tb\nc\x1b[31m", ""}}));
  EXPECT_EQ(text, "ok\t1\na bc\t-\n");
  EXPECT_EQ(format_response(Response::failure(ErrorKind::failed, "line\none")), "error\tfailed\tlineone\n");
}

TEST(ControlResponse, IncompleteUntilEveryRowCame) {
  EXPECT_TRUE(std::holds_alternative<Incomplete>(parse_response("")));
  EXPECT_TRUE(std::holds_alternative<Incomplete>(parse_response("ok\t2\nfirst\n")));
  EXPECT_TRUE(std::holds_alternative<Incomplete>(parse_response("ok\t1\nno newline yet")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_response("ok\tmany\n")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_response("what\n")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_response("error\tnope\ttext\n")));
}

TEST(ControlJson, EscapesEverythingJsonRequires) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("q\"b\\"), "\"q\\\"b\\\\\"");
  EXPECT_EQ(json_string("\n\t\r\x01\x1f\x7f"), "\"\\n\\t\\r\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
  EXPECT_EQ(json_string("bad \xC3( \xFF \xED\xA0\x80 \xE2\x82"),
            "\"bad \\ufffd( \\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\"");
}

TEST(ControlJson, ObjectsAndArrays) {
  JsonObject o;
  o.add("user", "al\"ice").add("n", std::int64_t{-3}).add("on", true).add_null("seen");
  EXPECT_EQ(o.str(), "{\"user\":\"al\\\"ice\",\"n\":-3,\"on\":true,\"seen\":null}");
  EXPECT_EQ(json_array({}), "[]");
  EXPECT_EQ(json_array({o.str(), "1"}), "[" + o.str() + ",1]");
  EXPECT_EQ(JsonObject().str(), "{}");
}
