// Runs `parley` in a real pseudo-terminal and models what its screen shows.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"

namespace parley::test {

// A small VT100/xterm subset: enough to replay what readline and parley
// write (printable text with wrapping, CR, LF, BS, TAB, cursor movement,
// erasing, inserting and deleting characters). Everything else, colours
// included, is ignored.
class Screen {
 public:
  Screen(int rows, int cols);

  void feed(std::string_view bytes);
  // Like xterm: rows and columns are cut or padded, nothing reflows.
  void resize(int rows, int cols);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  // Row `r` (0 is the top) without trailing blanks.
  std::string row(int r) const;
  int cursor_row() const { return row_; }
  int cursor_col() const { return col_; }
  // The row the cursor is on.
  std::string cursor_line() const { return row(row_); }
  // True when a visible row or one that scrolled off contains `text`.
  bool contains(std::string_view text) const;
  // Index of the last visible row containing `text`, or -1.
  int find_row(std::string_view text) const;
  // Every row, numbered, with the cursor position; for failure messages.
  std::string dump() const;

 private:
  void put(char32_t c);
  void line_feed();
  void scroll_up();
  void clear_cells(int row, int from, int to);
  void handle_control(char c);
  void handle_csi(char final_byte);
  void handle_escape(char c);
  int param(std::size_t index, int fallback) const;

  enum class State { Ground, Escape, EscapeIntermediate, Csi, String, StringEscape };

  int rows_;
  int cols_;
  std::vector<std::u32string> cells_;
  std::vector<std::string> scrolled_off_;
  int row_ = 0;
  int col_ = 0;
  bool wrap_pending_ = false;
  int saved_row_ = 0;
  int saved_col_ = 0;
  State state_ = State::Ground;
  std::string csi_params_;
  bool csi_private_ = false;
  char32_t utf8_code_point_ = 0;
  int utf8_remaining_ = 0;
};

struct PtyOptions {
  unsigned short rows = 24;
  unsigned short cols = 80;
  std::string term = "xterm";
  std::string home;                    // $HOME of the child; required
  std::vector<std::string> extra_env;  // "NAME=value"; the host's TZ is not passed on
  bool colours = false;                // false sets NO_COLOR=1
};

// A child process on the slave side of a pseudo-terminal.
class PtyProcess {
 public:
  PtyProcess(const std::vector<std::string>& argv, const PtyOptions& options);
  ~PtyProcess();
  PtyProcess(const PtyProcess&) = delete;
  PtyProcess& operator=(const PtyProcess&) = delete;

  // Types keys, as a person would.
  void send(std::string_view keys);
  // Changes the window size; the child gets SIGWINCH.
  void resize(unsigned short rows, unsigned short cols);

  // Reads output until `condition` holds; false when the deadline passes or
  // the child closed the terminal first.
  bool wait_until(const std::function<bool(const Screen&)>& condition, std::chrono::milliseconds timeout = kWait);
  bool wait_for_text(std::string_view text, std::chrono::milliseconds timeout = kWait);
  // The cursor row reads exactly `line` (trailing blanks ignored).
  bool wait_for_cursor_line(std::string_view line, std::chrono::milliseconds timeout = kWait);

  // Reads until the child exits; returns its status as from waitpid, or -1.
  int wait_exit(std::chrono::milliseconds timeout = kWait);

  const Screen& screen() const { return screen_; }
  // Every byte the child wrote.
  const std::string& output() const { return output_; }
  // Screen dump and raw output, for failure messages.
  std::string describe() const;

 private:
  bool read_some(std::chrono::steady_clock::time_point deadline);

  pid_t pid_ = -1;
  int master_ = -1;
  bool eof_ = false;
  int status_ = -1;
  Screen screen_;
  std::string output_;
};

// Key sequences as an xterm sends them.
namespace keys {
inline constexpr std::string_view kEnter = "\r";
inline constexpr std::string_view kTab = "\t";
inline constexpr std::string_view kCtrlA = "\x01";
inline constexpr std::string_view kCtrlC = "\x03";
inline constexpr std::string_view kCtrlD = "\x04";
inline constexpr std::string_view kCtrlE = "\x05";
inline constexpr std::string_view kBackspace = "\x7f";
inline constexpr std::string_view kUp = "\x1b[A";
inline constexpr std::string_view kDown = "\x1b[B";
inline constexpr std::string_view kRight = "\x1b[C";
inline constexpr std::string_view kLeft = "\x1b[D";
}  // namespace keys

}  // namespace parley::test
