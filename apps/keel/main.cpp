// keel: portfolio construction and risk for crypto-asset portfolios.
#include <cstdlib>  // defines __GLIBC__ on glibc systems
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "verb.hpp"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Every keel command is one short run whose working set is a few T × n and n × n matrices.
  // glibc serves blocks above 128 KiB by mmap and unmaps them on free, so until its adaptive
  // threshold has risen each price table, return matrix and covariance lands on fresh pages; on
  // this VM a page fault costs ≈ 16 µs of CPU. Serving them from the heap and keeping freed
  // memory until exit cut `keel optimize` on 500 × 1500 prices from 13,900 to 8,200 page faults
  // and 287 to 223 ms of process CPU (bench/README.md, issue #16). 32 MiB is glibc's largest
  // mmap threshold; the freed heap kept is bounded by the peak a command reaches.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
  return keel::cli::run_cli(argc, argv);
}
