// The one Catch2 main shared by every module's unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
