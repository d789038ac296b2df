// Collects a password key by key without showing it; no terminal I/O.
#pragma once

#include <string>

namespace parley::client {

// Readline is not used for passwords so they never reach its undo list,
// kill ring or history.
class PasswordInput {
 public:
  enum class Result { Pending, Submitted, EndOfInput };

  PasswordInput() = default;
  ~PasswordInput() { clear(); }
  PasswordInput(const PasswordInput&) = delete;
  PasswordInput& operator=(const PasswordInput&) = delete;

  // Enter submits, Backspace erases a character, Ctrl+U erases all, Ctrl+D
  // on an empty password ends input; escape sequences (arrows, paste
  // brackets) are ignored.
  Result feed(char key);
  // The password typed so far; the buffer is wiped.
  std::string take();
  void clear();

 private:
  void erase_last_character();

  enum class Escape { None, Started, InSequence };
  std::string text_;
  Escape escape_ = Escape::None;
};

// Overwrites the string's bytes before emptying it.
void wipe(std::string& secret);

}  // namespace parley::client
