#include "client/password_input.hpp"

#include <string.h>  // explicit_bzero

namespace parley::client {

namespace {

constexpr char kEscape = '\x1b';
constexpr char kCtrlD = '\x04';
constexpr char kCtrlH = '\x08';
constexpr char kCtrlU = '\x15';
constexpr char kCtrlW = '\x17';
constexpr char kDelete = '\x7f';

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0u) == 0x80u; }

}  // namespace

void wipe(std::string& secret) {
  if (!secret.empty()) explicit_bzero(secret.data(), secret.size());
  secret.clear();
}

PasswordInput::Result PasswordInput::feed(char key) {
  switch (escape_) {
    case Escape::Started:
      escape_ = (key == '[' || key == 'O') ? Escape::InSequence : Escape::None;
      return Result::Pending;
    case Escape::InSequence:
      if (key >= '\x40' && key <= '\x7e') escape_ = Escape::None;
      return Result::Pending;
    case Escape::None:
      break;
  }
  switch (key) {
    case '\r':
    case '\n':
      return Result::Submitted;
    case kCtrlD:
      return text_.empty() ? Result::EndOfInput : Result::Pending;
    case kDelete:
    case kCtrlH:
      erase_last_character();
      return Result::Pending;
    case kCtrlU:
    case kCtrlW:
      clear();
      return Result::Pending;
    case kEscape:
      escape_ = Escape::Started;
      return Result::Pending;
    default:
      break;
  }
  if (static_cast<unsigned char>(key) >= 0x20) text_ += key;
  return Result::Pending;
}

void PasswordInput::erase_last_character() {
  while (!text_.empty() && is_continuation_byte(text_.back())) text_.pop_back();
  if (!text_.empty()) text_.pop_back();
}

std::string PasswordInput::take() {
  std::string password = text_;
  clear();
  escape_ = Escape::None;
  return password;
}

void PasswordInput::clear() { wipe(text_); }

}  // namespace parley::client
