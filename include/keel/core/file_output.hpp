#pragma once
// Files written whole or not at all. Every file Keel writes (JSON and CSV results, price files,
// HTML reports) goes through here: the bytes go to a temporary file in the target's directory
// (`.NAME.keel-XXXXXX`, created with mkstemp, so two writers never share one), which is flushed
// to disk and then renamed over the target. rename(2) within one file system is atomic, so a
// reader sees either the previous file or the complete new one; a failure (unwritable folder,
// full disk, a writer that gives up) leaves the previous file untouched, removes the temporary
// file and returns an error naming the path. A link is followed (its target is replaced); a
// device or a pipe (`-o /dev/stdout`) is written in place, as it cannot be renamed over.

#include <functional>
#include <string>
#include <string_view>

#include "keel/core/status.hpp"

namespace keel {

// Calls `write(temporary_path)` to fill a temporary file next to `path`, then renames it to
// `path`. `write` returns an error to abandon the file (it is removed, `path` is untouched).
// The new file has the permissions a plainly created one would (0666 less the umask).
Status write_file_atomically(const std::string& path,
                             const std::function<Status(const std::string& temporary_path)>& write);

// The whole of `bytes` as the new content of `path`, atomically (above).
Status write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace keel
