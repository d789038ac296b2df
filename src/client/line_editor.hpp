// The input line of the interactive client: GNU readline in callback mode,
// fed with keys that the event loop read, plus a hidden mode for passwords.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <deque>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/completion.hpp"
#include "client/password_input.hpp"

namespace parley::client {

class LineEditor {
 public:
  enum class Mode {
    Waiting,  // no prompt: the server is answering; keys wait in the queue
    Edit,     // readline edits a line after the prompt
    Hidden,   // a password: nothing is echoed
  };

  struct Callbacks {
    std::function<void(std::string line)> on_line;  // Enter in Edit or Hidden mode
    std::function<void()> on_end_of_input;          // Ctrl+D on an empty line
  };

  // Only one editor may exist at a time (readline is global).
  LineEditor(boost::asio::any_io_executor executor, const CompletionEngine& completion,
             std::optional<std::filesystem::path> history_file, Callbacks callbacks);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  // Takes over the terminal and loads the history.
  void start();
  // Clears the input line, gives the terminal back and saves the history.
  void stop();

  // Keys read from the terminal, handled as far as the mode allows.
  void add_keys(std::string_view bytes);

  void wait();
  // Edits a line after `prompt`; `is_command` enables completion and history.
  void edit(std::string_view prompt, bool is_command);
  void hide(std::string_view prompt);
  Mode mode() const { return mode_; }

  // Prints a line above the input line, which stays as it was, cursor and all.
  void print(std::string_view line);
  // Ctrl+C: leaves the unfinished line on screen, moves below it and waits.
  void abandon_line();

  void resize();
  // Ctrl+Z: give the terminal back while stopped, take it again after.
  void suspend();
  void resume();

  // Readline's hooks (they take no user data); public for the C callbacks.
  int next_key();
  bool key_available();
  void line_accepted(char* line);
  char** complete(const char* word, int start);
  char* next_candidate(int state);

 private:
  void dispatch_keys();
  void show_prompt(std::string_view prompt);
  void enter_waiting_after_newline();
  void handle_password_key(char key);
  void read_key_blocking();
  void load_history();
  void save_history();

  boost::asio::any_io_executor executor_;
  const CompletionEngine& completion_;
  std::optional<std::filesystem::path> history_file_;
  Callbacks callbacks_;
  Mode mode_ = Mode::Waiting;
  bool is_command_ = false;
  bool installed_ = false;
  bool dispatching_ = false;
  std::deque<char> keys_;
  std::size_t keys_taken_ = 0;  // by readline, ever
  PasswordInput password_;
  std::vector<std::string> candidates_;
  std::size_t next_candidate_ = 0;
  int history_added_ = 0;
};

// ~/.parley_history, from $HOME or the password database; none without a home.
std::optional<std::filesystem::path> default_history_file();

}  // namespace parley::client
