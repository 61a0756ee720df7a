#pragma once
// Context: what a library call may use from its caller besides its inputs. There are no globals:
// logging, cancellation and the thread budget all travel here.

#include <atomic>
#include <functional>
#include <string_view>

namespace keel {

enum class LogLevel { kDebug, kInfo, kWarning };

class Context {
 public:
  using LogSink = std::function<void(LogLevel, std::string_view)>;

  Context() = default;

  // Where log lines go. Without a sink the library is silent (it never prints).
  void set_log_sink(LogSink sink) { sink_ = std::move(sink); }
  void log(LogLevel level, std::string_view message) const {
    if (sink_) sink_(level, message);
  }
  bool logging() const { return static_cast<bool>(sink_); }

  // Cooperative cancellation: long loops poll cancelled() and stop with a time-limit status.
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  // Threads a call may use; 0 means the hardware concurrency, 1 means run on the caller's thread.
  int threads() const { return threads_; }
  void set_threads(int threads) { threads_ = threads < 0 ? 0 : threads; }

 private:
  LogSink sink_;
  std::atomic<bool> cancelled_{false};
  int threads_ = 1;
};

}  // namespace keel
