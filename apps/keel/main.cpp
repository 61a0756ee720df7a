// keel: portfolio construction and risk for crypto-asset portfolios.
#include "verb.hpp"

int main(int argc, char** argv) { return keel::cli::run_cli(argc, argv); }
