/* placeholder until src/air/synth lands */
#include "cli.h"
int cmd_air_synth(int argc, char **argv) { (void)argc; (void)argv; return EXIT_USAGE; }
