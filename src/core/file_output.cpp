#include "keel/core/file_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace keel {

namespace {

std::string reason(int error) { return std::strerror(error); }

// 0666 less the process umask (umask can only be read by setting it; set it straight back).
mode_t default_file_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}

}  // namespace

Status write_file_atomically(
    const std::string& path,
    const std::function<Status(const std::string& temporary_path)>& write) {
  if (path.empty()) return Status::invalid("no output file name given");
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path target(path);
  // A link is followed: the file it points to is replaced, the link stays.
  if (fs::is_symlink(fs::symlink_status(target, ec))) {
    const fs::path resolved = fs::canonical(target, ec);
    if (!ec) target = resolved;
  }
  const fs::file_status existing = fs::status(target, ec);
  if (fs::is_directory(existing)) return Status::invalid(path + ": is a folder; give a file name");
  // A device or a pipe (/dev/stdout, a FIFO) cannot be replaced: it is written in place.
  if (fs::exists(existing) && !fs::is_regular_file(existing)) return write(path);
  fs::path folder = target.parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(folder, ec)) {
    return Status::invalid(path + ": cannot write, the folder '" + folder.string() +
                           "' does not exist; create it first");
  }
  const std::string pattern =
      (folder / ("." + target.filename().string() + ".keel-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return Status::invalid(path + ": cannot create a file in '" + folder.string() + "' (" +
                           reason(errno) + "); check that the folder is writable");
  }
  ::close(fd);
  const std::string temporary(name.data());
  auto abandon = [&](Status status) {
    std::remove(temporary.c_str());
    return status;
  };
  if (::chmod(temporary.c_str(), default_file_mode()) != 0) {
    return abandon(
        Status::invalid(path + ": cannot set the file's permissions (" + reason(errno) + ")"));
  }
  if (Status written = write(temporary); !written) return abandon(written);
  // Flush the bytes to the device before the rename makes them visible under the target's name.
  const int sync_fd = ::open(temporary.c_str(), O_RDONLY);
  if (sync_fd >= 0) {
    const int synced = ::fsync(sync_fd);
    const int sync_error = errno;
    ::close(sync_fd);
    if (synced != 0) {
      return abandon(Status::invalid(path + ": writing the file failed (" + reason(sync_error) +
                                     "; disk full?); the previous file, if any, is unchanged"));
    }
  }
  if (std::rename(temporary.c_str(), target.c_str()) != 0) {
    return abandon(Status::invalid(path + ": cannot replace the file (" + reason(errno) + ")"));
  }
  return Status::ok();
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  return write_file_atomically(path, [&](const std::string& temporary) -> Status {
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
      return Status::invalid(path + ": cannot open a file for writing (" + reason(errno) + ")");
    }
    const bool complete =
        bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    const int write_error = errno;
    const bool closed = std::fclose(file) == 0;
    if (!complete || !closed) {
      return Status::invalid(path + ": writing the file failed (" +
                             reason(complete ? errno : write_error) +
                             "; disk full?); the previous file, if any, is unchanged");
    }
    return Status::ok();
  });
}

}  // namespace keel
