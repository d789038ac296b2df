#include "client/line_editor.hpp"

// readline.h needs stdio.h first.
#include <cstdio>
// clang-format off
#include <readline/readline.h>
#include <readline/history.h>
// clang-format on

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "client/conversation.hpp"

namespace parley::client {

namespace {

constexpr int kHistorySize = 1000;
LineEditor* active_editor = nullptr;

int readline_getc(FILE* /*stream*/) { return active_editor ? active_editor->next_key() : EOF; }
int readline_input_available() { return active_editor && active_editor->key_available() ? 1 : 0; }
void readline_line_handler(char* line) {
  if (active_editor) {
    active_editor->line_accepted(line);
  } else {
    std::free(line);
  }
}
char** readline_complete(const char* word, int start, int /*end*/) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  return active_editor ? active_editor->complete(word, start) : nullptr;
}
char* readline_next_candidate(const char* /*word*/, int state) {
  return active_editor ? active_editor->next_candidate(state) : nullptr;
}

bool stdin_readable(int timeout_ms) {
  pollfd fd{STDIN_FILENO, POLLIN, 0};
  return ::poll(&fd, 1, timeout_ms) > 0 && (fd.revents & POLLIN) != 0;
}

void write_out(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// Lines starting with a space stay out of the history, as in bash.
bool worth_remembering(std::string_view line) {
  if (line.empty() || line.front() == ' ' || trim(line).empty()) return false;
  HIST_ENTRY* last = history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
  return last == nullptr || line != last->line;
}

// Readline 8.2 moves to a new line itself after Ctrl+D when it had turned
// bracketed paste on.
bool readline_ended_the_line() {
  const char* bracketed_paste = rl_variable_value("enable-bracketed-paste");
  return rl_eof_found != 0 && bracketed_paste != nullptr && std::strcmp(bracketed_paste, "on") == 0;
}

void configure_readline() {
  rl_readline_name = "parley";
  rl_catch_signals = 0;  // signals arrive through Asio
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  rl_getc_function = readline_getc;
  rl_input_available_hook = readline_input_available;
  rl_attempted_completion_function = readline_complete;
  rl_completer_word_break_characters = " ";
  rl_completion_query_items = 1000;  // asking "Display all?" would block
  rl_variable_bind("page-completions", "off");
  rl_variable_bind("input-meta", "on");
  rl_variable_bind("output-meta", "on");
  rl_variable_bind("convert-meta", "off");
}

}  // namespace

std::optional<std::filesystem::path> default_history_file() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] == '\0') {
    const passwd* entry = getpwuid(getuid());
    home = entry != nullptr ? entry->pw_dir : nullptr;
  }
  if (home == nullptr || home[0] == '\0') return std::nullopt;
  return std::filesystem::path(home) / ".parley_history";
}

LineEditor::LineEditor(boost::asio::any_io_executor executor, const CompletionEngine& completion,
                       std::optional<std::filesystem::path> history_file, Callbacks callbacks)
    : executor_(std::move(executor)),
      completion_(completion),
      history_file_(std::move(history_file)),
      callbacks_(std::move(callbacks)) {
  if (active_editor != nullptr) throw std::logic_error("only one LineEditor at a time");
  active_editor = this;
}

LineEditor::~LineEditor() {
  stop();
  active_editor = nullptr;
}

void LineEditor::start() {
  if (installed_) return;
  configure_readline();
  load_history();
  rl_callback_handler_install("", readline_line_handler);
  installed_ = true;
}

void LineEditor::stop() {
  if (!installed_) return;
  rl_clear_visible_line();
  rl_callback_handler_remove();
  std::fflush(stdout);
  installed_ = false;
  mode_ = Mode::Waiting;
  password_.clear();
  save_history();
}

void LineEditor::add_keys(std::string_view bytes) {
  keys_.insert(keys_.end(), bytes.begin(), bytes.end());
  dispatch_keys();
}

void LineEditor::dispatch_keys() {
  if (dispatching_) return;
  dispatching_ = true;
  while (installed_ && !keys_.empty() && mode_ != Mode::Waiting) {
    if (mode_ == Mode::Hidden) {
      char key = keys_.front();
      keys_.pop_front();
      handle_password_key(key);
    } else {
      auto taken = keys_taken_;
      rl_callback_read_char();
      if (keys_taken_ == taken) break;  // readline took nothing; never spin
    }
  }
  dispatching_ = false;
}

void LineEditor::wait() {
  mode_ = Mode::Waiting;
  show_prompt("");
}

void LineEditor::edit(std::string_view prompt, bool is_command) {
  mode_ = Mode::Edit;
  is_command_ = is_command;
  show_prompt(prompt);
  dispatch_keys();
}

void LineEditor::hide(std::string_view prompt) {
  mode_ = Mode::Hidden;
  password_.clear();
  rl_replace_line("", 1);
  show_prompt(prompt);
  dispatch_keys();
}

void LineEditor::show_prompt(std::string_view prompt) {
  if (!installed_) return;
  rl_clear_visible_line();
  rl_set_prompt(std::string(prompt).c_str());
  rl_forced_update_display();
  std::fflush(stdout);
}

void LineEditor::print(std::string_view line) {
  if (!installed_) {
    write_out(std::string(line) + "\n");
    return;
  }
  // Readline keeps the text and cursor; only the screen is cleared and redrawn.
  rl_clear_visible_line();
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  rl_forced_update_display();
  std::fflush(stdout);
}

void LineEditor::abandon_line() {
  if (!installed_) return;
  if (mode_ == Mode::Edit) {
    rl_point = rl_end;  // the cursor may be on an earlier row of a long line
    rl_redisplay();
  }
  rl_callback_sigcleanup();
  rl_replace_line("", 1);
  password_.clear();
  std::fputc('\n', stdout);
  enter_waiting_after_newline();
}

void LineEditor::enter_waiting_after_newline() {
  mode_ = Mode::Waiting;
  rl_set_prompt("");
  rl_on_new_line();
  rl_redisplay();
  std::fflush(stdout);
}

void LineEditor::line_accepted(char* raw_line) {
  std::unique_ptr<char, decltype(&std::free)> owned(raw_line, &std::free);
  // Readline shows the prompt again when this returns; make it empty.
  mode_ = Mode::Waiting;
  rl_set_prompt("");
  auto executor = executor_;
  if (raw_line == nullptr) {
    if (!readline_ended_the_line()) write_out("\n");
    boost::asio::post(executor, [callback = callbacks_.on_end_of_input] { callback(); });
    return;
  }
  std::string line(raw_line);
  if (is_command_ && worth_remembering(line)) {
    add_history(line.c_str());
    ++history_added_;
  }
  boost::asio::post(executor, [callback = callbacks_.on_line, line = std::move(line)] { callback(line); });
}

void LineEditor::handle_password_key(char key) {
  switch (password_.feed(key)) {
    case PasswordInput::Result::Pending:
      return;
    case PasswordInput::Result::Submitted: {
      std::fputc('\n', stdout);
      enter_waiting_after_newline();
      auto password = password_.take();
      boost::asio::post(executor_, [callback = callbacks_.on_line, password = std::move(password)]() mutable {
        callback(password);
        wipe(password);
      });
      return;
    }
    case PasswordInput::Result::EndOfInput:
      std::fputc('\n', stdout);
      enter_waiting_after_newline();
      boost::asio::post(executor_, [callback = callbacks_.on_end_of_input] { callback(); });
      return;
  }
}

int LineEditor::next_key() {
  if (keys_.empty()) read_key_blocking();
  if (keys_.empty()) return EOF;
  auto key = static_cast<unsigned char>(keys_.front());
  keys_.pop_front();
  ++keys_taken_;
  return key;
}

// Readline wants a key that has not arrived yet (the rest of a paste, say).
void LineEditor::read_key_blocking() {
  if (!stdin_readable(-1)) return;  // EOF for readline when a signal interrupts
  std::array<char, 4096> buffer{};
  ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
  if (got > 0) keys_.insert(keys_.end(), buffer.data(), buffer.data() + got);
}

bool LineEditor::key_available() { return !keys_.empty() || stdin_readable(0); }

char** LineEditor::complete(const char* word, int start) {
  if (mode_ != Mode::Edit || !is_command_) return nullptr;
  auto before = std::string_view(rl_line_buffer, static_cast<std::size_t>(start));
  candidates_ = completion_.complete(before, word);
  return rl_completion_matches(word, readline_next_candidate);
}

char* LineEditor::next_candidate(int state) {
  if (state == 0) next_candidate_ = 0;
  if (next_candidate_ >= candidates_.size()) return nullptr;
  return strdup(candidates_[next_candidate_++].c_str());
}

void LineEditor::resize() {
  if (installed_) rl_resize_terminal();
}

void LineEditor::suspend() {
  if (!installed_) return;
  rl_clear_visible_line();
  std::fflush(stdout);
  rl_deprep_terminal();
}

void LineEditor::resume() {
  if (!installed_) return;
  rl_prep_terminal(1);
  rl_forced_update_display();
  std::fflush(stdout);
}

void LineEditor::load_history() {
  using_history();
  stifle_history(kHistorySize);
  if (history_file_) read_history(history_file_->c_str());
}

void LineEditor::save_history() {
  if (!history_file_ || history_added_ == 0) return;
  const char* path = history_file_->c_str();
  // Created private: the history holds the messages one sent.
  int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return;
  ::close(fd);
  append_history(std::min(history_added_, history_length), path);
  history_truncate_file(path, kHistorySize);
  history_added_ = 0;
}

}  // namespace parley::client
