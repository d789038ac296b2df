#include "client_pty.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace parley::test {

namespace {

std::string to_utf8(const std::u32string& text) {
  std::string out;
  for (char32_t c : text) {
    auto cp = static_cast<std::uint32_t>(c);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

std::string trim_right(std::string text) {
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool overridden(const std::string& entry) {
  for (const char* name :
       {"TERM=", "HOME=", "NO_COLOR=", "PARLEY_PASSWORD=", "COLUMNS=", "LINES=", "INPUTRC=", "TZ="}) {
    if (entry.rfind(name, 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> child_environment(const PtyOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!overridden(*e)) env.emplace_back(*e);
  }
  env.push_back("TERM=" + options.term);
  env.push_back("HOME=" + options.home);
  env.emplace_back("INPUTRC=/dev/null");  // the host's key bindings must not matter
  if (!options.colours) env.emplace_back("NO_COLOR=1");
  for (const auto& extra : options.extra_env) env.push_back(extra);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

// ---------------------------------------------------------------- Screen

Screen::Screen(int rows, int cols)
    : rows_(rows),
      cols_(cols),
      cells_(static_cast<std::size_t>(rows), std::u32string(static_cast<std::size_t>(cols), U' ')) {}

void Screen::resize(int rows, int cols) {
  while (static_cast<int>(cells_.size()) > rows) {
    scrolled_off_.push_back(row(0));
    cells_.erase(cells_.begin());
    --row_;
  }
  cells_.resize(static_cast<std::size_t>(rows), std::u32string(static_cast<std::size_t>(cols_), U' '));
  for (auto& line : cells_) line.resize(static_cast<std::size_t>(cols), U' ');
  rows_ = rows;
  cols_ = cols;
  row_ = std::clamp(row_, 0, rows_ - 1);
  col_ = std::clamp(col_, 0, cols_ - 1);
  wrap_pending_ = false;
}

std::string Screen::row(int r) const {
  if (r < 0 || r >= rows_) return {};
  return trim_right(to_utf8(cells_[static_cast<std::size_t>(r)]));
}

bool Screen::contains(std::string_view text) const {
  if (find_row(text) >= 0) return true;
  return std::any_of(scrolled_off_.begin(), scrolled_off_.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

int Screen::find_row(std::string_view text) const {
  for (int r = rows_ - 1; r >= 0; --r) {
    if (row(r).find(text) != std::string::npos) return r;
  }
  return -1;
}

std::string Screen::dump() const {
  std::ostringstream out;
  out << "screen " << rows_ << "x" << cols_ << ", cursor at row " << row_ << " col " << col_ << ":\n";
  for (int r = 0; r < rows_; ++r) out << (r < 10 ? " " : "") << r << "|" << row(r) << "\n";
  return out.str();
}

void Screen::feed(std::string_view bytes) {
  for (char byte : bytes) {
    auto c = static_cast<unsigned char>(byte);
    switch (state_) {
      case State::Ground:
        if (c == 0x1b) {
          state_ = State::Escape;
        } else if (c < 0x20 || c == 0x7f) {
          handle_control(byte);
        } else if (c < 0x80) {
          put(c);
        } else if (utf8_remaining_ > 0 && (c & 0xc0) == 0x80) {
          utf8_code_point_ = (utf8_code_point_ << 6) | (c & 0x3fu);
          if (--utf8_remaining_ == 0) put(utf8_code_point_);
        } else if ((c & 0xe0) == 0xc0) {
          utf8_code_point_ = c & 0x1fu;
          utf8_remaining_ = 1;
        } else if ((c & 0xf0) == 0xe0) {
          utf8_code_point_ = c & 0x0fu;
          utf8_remaining_ = 2;
        } else if ((c & 0xf8) == 0xf0) {
          utf8_code_point_ = c & 0x07u;
          utf8_remaining_ = 3;
        } else {
          put(U'\uFFFD');
        }
        break;
      case State::Escape:
        handle_escape(byte);
        break;
      case State::EscapeIntermediate:
        if (c >= 0x30) state_ = State::Ground;
        break;
      case State::Csi:
        if (c >= 0x40 && c <= 0x7e) {
          state_ = State::Ground;
          if (!csi_private_) handle_csi(byte);
        } else if (c == '?' || c == '>' || c == '=') {
          csi_private_ = true;
        } else {
          csi_params_ += byte;
        }
        break;
      case State::String:
        if (c == 0x07) state_ = State::Ground;
        if (c == 0x1b) state_ = State::StringEscape;
        break;
      case State::StringEscape:
        state_ = (c == '\\') ? State::Ground : State::String;
        break;
    }
  }
}

void Screen::handle_escape(char c) {
  state_ = State::Ground;
  switch (c) {
    case '[':
      state_ = State::Csi;
      csi_params_.clear();
      csi_private_ = false;
      break;
    case ']':
    case 'P':
    case '_':
    case '^':
      state_ = State::String;
      break;
    case '7':
      saved_row_ = row_;
      saved_col_ = col_;
      break;
    case '8':
      row_ = saved_row_;
      col_ = saved_col_;
      wrap_pending_ = false;
      break;
    case 'M':  // reverse index
      if (row_ > 0) --row_;
      wrap_pending_ = false;
      break;
    default:
      if (c >= 0x20 && c <= 0x2f) state_ = State::EscapeIntermediate;  // e.g. ESC ( B
      break;
  }
}

void Screen::handle_control(char c) {
  switch (c) {
    case '\r':
      col_ = 0;
      wrap_pending_ = false;
      break;
    case '\n':
      line_feed();
      break;
    case '\b':
      if (col_ > 0) --col_;
      wrap_pending_ = false;
      break;
    case '\t':
      col_ = std::min(cols_ - 1, (col_ / 8 + 1) * 8);
      break;
    default:
      break;  // BEL and the rest
  }
}

void Screen::put(char32_t c) {
  if (wrap_pending_) {
    col_ = 0;
    line_feed();
  }
  cells_[static_cast<std::size_t>(row_)][static_cast<std::size_t>(col_)] = c;
  if (col_ == cols_ - 1) {
    wrap_pending_ = true;  // xterm's deferred wrap ("xenl")
  } else {
    ++col_;
  }
}

void Screen::line_feed() {
  wrap_pending_ = false;
  if (row_ == rows_ - 1) {
    scroll_up();
  } else {
    ++row_;
  }
}

void Screen::scroll_up() {
  scrolled_off_.push_back(row(0));
  cells_.erase(cells_.begin());
  cells_.emplace_back(static_cast<std::size_t>(cols_), U' ');
}

void Screen::clear_cells(int r, int from, int to) {
  auto& line = cells_[static_cast<std::size_t>(r)];
  for (int c = std::max(0, from); c < std::min(cols_, to); ++c) line[static_cast<std::size_t>(c)] = U' ';
}

int Screen::param(std::size_t index, int fallback) const {
  std::size_t start = 0;
  for (std::size_t i = 0; i < index; ++i) {
    start = csi_params_.find(';', start);
    if (start == std::string::npos) return fallback;
    ++start;
  }
  std::size_t end = csi_params_.find(';', start);
  std::string text = csi_params_.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (text.empty()) return fallback;
  int value = std::atoi(text.c_str());
  return value == 0 ? fallback : value;
}

void Screen::handle_csi(char final_byte) {
  auto& line = cells_[static_cast<std::size_t>(row_)];
  auto at = static_cast<std::ptrdiff_t>(col_);
  int n = param(0, 1);
  wrap_pending_ = false;
  switch (final_byte) {
    case 'A':
      row_ = std::max(0, row_ - n);
      break;
    case 'B':
      row_ = std::min(rows_ - 1, row_ + n);
      break;
    case 'C':
      col_ = std::min(cols_ - 1, col_ + n);
      break;
    case 'D':
      col_ = std::max(0, col_ - n);
      break;
    case 'G':
      col_ = std::clamp(n - 1, 0, cols_ - 1);
      break;
    case 'd':
      row_ = std::clamp(n - 1, 0, rows_ - 1);
      break;
    case 'H':
    case 'f':
      row_ = std::clamp(param(0, 1) - 1, 0, rows_ - 1);
      col_ = std::clamp(param(1, 1) - 1, 0, cols_ - 1);
      break;
    case 'K': {
      int mode = param(0, 0);
      if (mode == 0) clear_cells(row_, col_, cols_);
      if (mode == 1) clear_cells(row_, 0, col_ + 1);
      if (mode == 2) clear_cells(row_, 0, cols_);
      break;
    }
    case 'J': {
      int mode = param(0, 0);
      if (mode == 0) {
        clear_cells(row_, col_, cols_);
        for (int r = row_ + 1; r < rows_; ++r) clear_cells(r, 0, cols_);
      } else if (mode == 1) {
        for (int r = 0; r < row_; ++r) clear_cells(r, 0, cols_);
        clear_cells(row_, 0, col_ + 1);
      } else {
        for (int r = 0; r < rows_; ++r) clear_cells(r, 0, cols_);
      }
      break;
    }
    case '@': {
      int count = std::min(n, cols_ - col_);
      line.insert(line.begin() + at, static_cast<std::size_t>(count), U' ');
      line.resize(static_cast<std::size_t>(cols_));
      break;
    }
    case 'P': {
      int count = std::min(n, cols_ - col_);
      line.erase(line.begin() + at, line.begin() + at + count);
      line.resize(static_cast<std::size_t>(cols_), U' ');
      break;
    }
    case 'X':
      clear_cells(row_, col_, col_ + n);
      break;
    default:
      break;  // colours (m) and modes (h, l) change nothing we model
  }
}

// ---------------------------------------------------------------- PtyProcess

PtyProcess::PtyProcess(const std::vector<std::string>& argv_in, const PtyOptions& options)
    : screen_(options.rows, options.cols) {
  // Everything the child needs is prepared before fork: the test process
  // has threads, so the child may only call async-signal-safe functions.
  std::vector<std::string> args = argv_in;
  auto argv = pointers(args);
  auto env_strings = child_environment(options);
  auto envp = pointers(env_strings);
  winsize size{};
  size.ws_row = options.rows;
  size.ws_col = options.cols;

  pid_ = forkpty(&master_, nullptr, nullptr, &size);
  if (pid_ < 0) throw std::runtime_error(std::string("forkpty failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  fcntl(master_, F_SETFD, FD_CLOEXEC);
}

PtyProcess::~PtyProcess() {
  if (pid_ > 0 && status_ == -1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (master_ >= 0) close(master_);
}

void PtyProcess::send(std::string_view keys) {
  std::size_t sent = 0;
  while (sent < keys.size()) {
    ssize_t n = write(master_, keys.data() + sent, keys.size() - sent);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      ADD_FAILURE() << "cannot type into the terminal: " << std::strerror(errno);
      return;
    }
    sent += static_cast<std::size_t>(n);
  }
}

void PtyProcess::resize(unsigned short rows, unsigned short cols) {
  screen_.resize(rows, cols);
  winsize size{};
  size.ws_row = rows;
  size.ws_col = cols;
  if (ioctl(master_, TIOCSWINSZ, &size) != 0) ADD_FAILURE() << "cannot resize: " << std::strerror(errno);
}

bool PtyProcess::read_some(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  pollfd p{master_, POLLIN, 0};
  int ms = remaining_ms(deadline);
  if (ms == 0 || poll(&p, 1, ms) <= 0) return false;
  char buffer[4096];
  ssize_t n = read(master_, buffer, sizeof buffer);
  if (n <= 0) {
    if (n < 0 && errno == EINTR) return true;
    eof_ = true;  // EIO once the child and its terminal are gone
    return false;
  }
  output_.append(buffer, static_cast<std::size_t>(n));
  screen_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  return true;
}

bool PtyProcess::wait_until(const std::function<bool(const Screen&)>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition(screen_)) return true;
    if (!read_some(deadline)) return condition(screen_);
  }
}

bool PtyProcess::wait_for_text(std::string_view text, std::chrono::milliseconds timeout) {
  return wait_until([&](const Screen& s) { return s.contains(text); }, timeout);
}

bool PtyProcess::wait_for_cursor_line(std::string_view line, std::chrono::milliseconds timeout) {
  std::string expected = trim_right(std::string(line));
  return wait_until([&](const Screen& s) { return s.cursor_line() == expected; }, timeout);
}

int PtyProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (status_ != -1) return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Drain the output so the child never blocks writing to the terminal.
    while (read_some(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)))) {
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = status;
      while (read_some(std::chrono::steady_clock::now() + std::chrono::milliseconds(50))) {
      }
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    if (eof_) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // waitpid has no timeout
  }
}

std::string PtyProcess::describe() const {
  std::string raw;
  for (char c : output_) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\x1b') {
      raw += "\\e";
    } else if (c == '\r') {
      raw += "\\r";
    } else if (c == '\n') {
      raw += "\\n\n";
    } else if (u < 0x20) {
      raw += "^" + std::string(1, static_cast<char>(u + 64));
    } else {
      raw += c;
    }
  }
  return screen_.dump() + "raw output:\n" + raw;
}

}  // namespace parley::test
