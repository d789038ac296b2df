#include "ctl/offline.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "core/chat_service.hpp"
#include "core/clock.hpp"
#include "proto/control/commands.hpp"
#include "store/database_lock.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::ctl {

bool runs_offline(const proto::control::Request& request) {
  return request.command.rfind("user-", 0) == 0 || request.command.rfind("room-", 0) == 0;
}

proto::control::Response run_offline(const std::string& db_path, core::HashCost cost,
                                     const proto::control::Request& request) {
  store::DatabaseLock lock(db_path);
  store::SqliteStore store(db_path);
  for (const auto& note : store.open_notes()) std::cerr << "parleyctl: " << note << "\n";
  core::SystemClock clock;
  core::ChatSettings settings;
  settings.hash_cost = cost;
  core::ChatService chat(store, clock, settings);
  chat.load();
  proto::control::CommandHooks hooks;
  hooks.log = [&db_path](const std::string& line) {
    std::cerr << "parleyctl: " << db_path << " (server stopped): " << line << "\n";
  };
  proto::control::Commands commands(chat, std::move(hooks));
  auto response = commands.handle(request, fmt::format("uid={} (parleyctl, directly)", ::getuid()));
  store.flush();
  return response;
}

}  // namespace parley::ctl
