// A ChatService on a real SQLite store in a temporary directory, with a
// manual clock, and participants that record what they receive.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>
#include <mutex>

#include "core/chat_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace parley::unit {

class RecordingParticipant : public core::Participant {
 public:
  explicit RecordingParticipant(bool wants_presence = false) : wants_presence_(wants_presence) {}
  void deliver(core::EnvelopePtr envelope) override {
    std::lock_guard lock(mutex);
    received.push_back(std::move(envelope));
  }
  void end_by_admin(core::AdminEnd why) override {
    std::lock_guard lock(mutex);
    ended.push_back(why);
  }
  bool wants_presence() const override { return wants_presence_; }
  std::vector<std::string> texts() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (auto& e : received) out.push_back(e->message().sender + ": " + e->message().text);
    return out;
  }
  std::mutex mutex;
  std::vector<core::EnvelopePtr> received;
  std::vector<core::AdminEnd> ended;

 private:
  const bool wants_presence_;
};

template <class T>
struct Waiter {
  std::promise<store::Result<T>> promise;
  store::Callback<T> callback() {
    return [this](store::Result<T> r) { promise.set_value(std::move(r)); };
  }
  store::Result<T> get() { return promise.get_future().get(); }
};

class ChatFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-unit-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    open();
    chat_->import_users({{"alice", "a-pass", 1}, {"bob", "b-pass", 2}, {"carol", "c-pass", 3}});
  }
  void TearDown() override {
    chat_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    chat_.reset();
    store_.reset();
    store_ = std::make_unique<store::SqliteStore>((dir_ / "test.db").string());
    settings_.hash_cost = core::HashCost::minimal;
    chat_ = std::make_unique<core::ChatService>(*store_, clock_, settings_);
    chat_->load();
  }
  std::shared_ptr<RecordingParticipant> join(const std::string& user) {
    auto p = std::make_shared<RecordingParticipant>();
    Waiter<store::MailboxPage> w;
    chat_->join(user, p, 100, w.callback());
    auto page = w.get();
    EXPECT_TRUE(page.ok());
    last_mailbox_ = page.value();
    return p;
  }
  // Logs in, reads and acknowledges the mailbox; returns its texts.
  std::vector<std::string> login_and_read(const std::string& user,
                                          std::shared_ptr<RecordingParticipant>* out = nullptr) {
    auto p = join(user);
    std::vector<std::string> texts;
    for (;;) {
      for (auto& m : last_mailbox_.messages) texts.push_back(m.message.sender + ": " + m.message.text);
      Waiter<store::Done> ack;
      chat_->ack_mailbox(user, last_mailbox_.upto, ack.callback());
      EXPECT_TRUE(ack.get().ok());
      if (!last_mailbox_.more) break;
      Waiter<store::MailboxPage> next;
      chat_->fetch_mailbox(user, last_mailbox_.upto, 100, next.callback());
      last_mailbox_ = next.get().value();
    }
    if (out) *out = p;
    return texts;
  }
  std::vector<std::string> names(const std::vector<core::UserSummary>& users) {
    std::vector<std::string> out;
    for (auto& u : users) out.push_back(u.name);
    return out;
  }

  std::filesystem::path dir_;
  core::ChatSettings settings_;  // for open()
  core::ManualClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<core::ChatService> chat_;
  store::MailboxPage last_mailbox_;
};

}  // namespace parley::unit
