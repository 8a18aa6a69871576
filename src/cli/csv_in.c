/* csv_in.c — the CSV input every command shares.
 *
 * Why: each face reads "a CSV file or stdin, with a header", and each must
 * treat the same failures the same way — a file that cannot be opened, an
 * empty input, a malformed record or a record with the wrong number of
 * fields is reported with file:line and skipped, and counted so the command
 * can exit 2 at the end. Column matching by a list of aliases is shared too.
 * What a field means stays with the command.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"
#include "core/log.h"

int cli_header_is(eco_slice_t h, const char *const *names)
{
    for (; *names; names++)
        if (eco_slice_ieq(h, *names)) return 1;
    return 0;
}

int cli_csv_open(cli_csv_t *c, const char *path)
{
    eco_err_t err;
    memset(c, 0, sizeof *c);
    if (!strcmp(path, "-")) {
        c->f = stdin;
        c->name = "<stdin>";
    } else if (!(c->f = fopen(path, "rb"))) {
        eco_log_error("%s: cannot open: %s", path, strerror(errno));
        return EXIT_USAGE;
    } else {
        c->name = path;
    }
    eco_csv_open_file(&c->csv, c->f, c->name);
    int r = eco_csv_next(&c->csv, &err);
    if (r <= 0) {
        if (r == 0) eco_log_error("%s:1: empty input: a header line is required", c->name);
        else eco_log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    c->ncols = eco_csv_nfields(&c->csv);
    return 0;
}

int cli_csv_next(cli_csv_t *c)
{
    eco_err_t err;
    for (;;) {
        int r = eco_csv_next(&c->csv, &err);
        if (r == 0) return 0;
        if (r < 0) {
            eco_log_error("%s; record skipped", err.msg);
            c->records_bad++;
            if (err.code == ECO_ENOMEM || err.code == ECO_EIO) {
                c->failed = 1;
                return 0;
            }
            continue;
        }
        if (eco_csv_nfields(&c->csv) != c->ncols) {
            eco_log_error("%s:%zu: %zu fields where the header has %zu; record skipped", c->name,
                          eco_csv_line(&c->csv), eco_csv_nfields(&c->csv), c->ncols);
            c->records_bad++;
            continue;
        }
        return 1;
    }
}

void cli_csv_close(cli_csv_t *c)
{
    eco_csv_close(&c->csv);
    if (c->f && c->f != stdin) fclose(c->f);
    c->f = NULL;
}
