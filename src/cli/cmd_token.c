/* cmd_token.c — `ecobrain token new|hash`: API access tokens.
 *
 * Why: the config file holds only SHA-256 digests of tokens (a leaked config
 * does not leak access), so an operator needs a way to make a token and its
 * digest without other tools.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "api/api.h"
#include "cli.h"

static void usage(FILE *f)
{
    fputs("Usage: ecobrain token new [--role read|write]\n"
          "       ecobrain token hash TOKEN\n"
          "\n"
          "new   print a random token (256 bits, hex) and the line for the [http] section of the\n"
          "      config: read_token_sha256 = … or write_token_sha256 = … (comma-separate several)\n"
          "hash  print the SHA-256 digest of TOKEN as the config holds it\n"
          "Clients send the token itself: 'Authorization: Bearer TOKEN'. See docs/api.md.\n",
          f);
}

int cmd_token(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    char hex[65];
    if (!strcmp(argv[1], "hash")) {
        if (argc != 3 || !*argv[2]) return cli_usage_error("token hash", "give exactly one TOKEN");
        eco_api_token_hash(argv[2], hex);
        printf("%s\n", hex);
        return 0;
    }
    if (!strcmp(argv[1], "new")) {
        const char *role = "read";
        if (argc == 4 && !strcmp(argv[2], "--role")) role = argv[3];
        else if (argc != 2) return cli_usage_error("token new", "usage: token new [--role read|write]");
        if (strcmp(role, "read") && strcmp(role, "write"))
            return cli_usage_error("token new", "--role '%s': read or write", role);
        unsigned char rnd[32];
        if (RAND_bytes(rnd, sizeof rnd) != 1) {
            fprintf(stderr, "ecobrain token: no randomness available\n");
            return EXIT_RUNTIME;
        }
        char tok[65];
        for (int i = 0; i < 32; i++) snprintf(tok + 2 * i, 3, "%02x", rnd[i]);
        eco_api_token_hash(tok, hex);
        printf("token: %s\n[http] %s_token_sha256 = %s\n", tok, role, hex);
        return 0;
    }
    return cli_usage_error("token", "unknown subcommand '%s' (new, hash)", argv[1]);
}
