/* LD_PRELOAD shim for bench/second_impls.sh: mallopt() does nothing, so the same tinyprep
 * binary runs with glibc's default allocation thresholds (what it would do without the
 * mallopt calls in tools/main.cpp). */
int mallopt(int param, int value) {
  (void)param;
  (void)value;
  return 1;
}
