/* cmd_sea.c — placeholder until its engine lands (see docs). */
#include "cli.h"
int cmd_sea(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("ecobrain: not implemented yet\n", stderr);
    return EXIT_USAGE;
}
