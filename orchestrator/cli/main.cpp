// sluice: the command line. Thin: parses argv, calls the library, maps
// results to exit codes (SPEC §4).
#include <cstdio>

int main() {
  std::puts("sluice " SLUICE_VERSION);
  return 0;
}
