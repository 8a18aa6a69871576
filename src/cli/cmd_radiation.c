/* cmd_radiation.c — placeholder until its engine lands (see docs). */
#include "cli.h"
int cmd_radiation(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("ecobrain: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
