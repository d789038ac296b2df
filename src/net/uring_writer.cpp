#include "net/uring_writer.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <string_view>

#include "net/connection.hpp"

namespace parley::net {

namespace {
constexpr std::size_t kGather = 64;
}

std::unique_ptr<UringWriter> UringWriter::create(unsigned entries) {
  std::unique_ptr<UringWriter> writer(new UringWriter(entries));
  if (io_uring_queue_init(entries, &writer->ring_, 0) < 0) return nullptr;
  writer->entries_ = entries;
  return writer;
}

UringWriter::UringWriter(unsigned entries)
    : entries_(0), messages_(entries), iovecs_(std::size_t{entries} * kGather), pending_(entries) {}

UringWriter::~UringWriter() {
  if (entries_ > 0) io_uring_queue_exit(&ring_);
}

void UringWriter::write_all(const std::vector<Connection*>& connections) {
  std::array<std::string_view, kGather> pieces;
  for (auto* c : connections) {
    if (c->native_socket() < 0) {
      c->flush();  // a transport that writes itself
      continue;
    }
    auto count = c->prepare_write(pieces);
    if (count == 0) {
      c->finish_write({IoStatus::ok, 0}, 0);
      continue;
    }
    auto* iov = &iovecs_[used_ * kGather];
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<char*>(pieces[i].data());
      iov[i].iov_len = pieces[i].size();
      total += pieces[i].size();
    }
    auto& message = messages_[used_];
    message = msghdr{};
    message.msg_iov = iov;
    message.msg_iovlen = count;
    auto* sqe = io_uring_get_sqe(&ring_);
    io_uring_prep_sendmsg(sqe, c->native_socket(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, used_);
    pending_[used_] = Pending{c, total};
    if (++used_ == entries_) submit_batch();
  }
  if (used_ > 0) submit_batch();
}

void UringWriter::submit_batch() {
  auto want = static_cast<unsigned>(used_);
  int submitted = io_uring_submit_and_wait(&ring_, want);
  (void)submitted;
  unsigned seen = 0;
  while (seen < want) {
    io_uring_cqe* cqe = nullptr;
    int waited = io_uring_wait_cqe(&ring_, &cqe);
    if (waited == -EINTR) continue;
    if (waited < 0) std::abort();  // a ring that cannot complete its sends cannot be recovered
    auto index = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
    int res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    ++seen;
    IoResult result;
    if (res >= 0)
      result = {IoStatus::ok, static_cast<std::size_t>(res)};
    else if (res == -EAGAIN || res == -EWOULDBLOCK || res == -EINTR)
      result = {IoStatus::would_block, 0};
    else
      result = {IoStatus::error, 0};
    auto& p = pending_[index];
    p.connection->finish_write(result, p.attempted);
  }
  used_ = 0;
}

}  // namespace parley::net
