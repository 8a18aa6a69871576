/* air_source.c — see air_source.h. Moved out of cmd_targets.c so that `rank` reads its statistics
 * the same way `targets report` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "air_source.h"
#include "core/error.h"

static void on_period(void *ud, const char *entity, const char *label, const eco_air_period_t *st,
                      const eco_air_period_t *prev)
{
    cli_statset_t *s = ud;
    (void)label;
    (void)prev;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        cli_ent_stat_t *ne = realloc(s->e, nc * sizeof *ne);
        if (!ne) {
            s->rc = EXIT_RUNTIME;
            return;
        }
        s->e = ne;
        s->cap = nc;
    }
    cli_ent_stat_t *e = &s->e[s->n++];
    snprintf(e->name, sizeof e->name, "%s", entity);
    e->st = *st;
}

/* the assessment of every entity at `level` over [from, to], computed once */
static cli_statset_t *stats(cli_air_csv_t *c, const char *level, const char *basis, eco_day_t from, eco_day_t to)
{
    for (int i = 0; i < c->nsets; i++) {
        cli_statset_t *s = &c->sets[i];
        if (!strcmp(s->level, level) && !strcmp(s->basis, basis) && s->from == from && s->to == to) return s;
    }
    if (to < from) return NULL;
    if (c->nsets == CLI_AIR_MAX_SETS) {
        c->full = 1;
        return NULL;
    }
    cli_statset_t *s = &c->sets[c->nsets++];
    memset(s, 0, sizeof *s);
    snprintf(s->level, sizeof s->level, "%s", level);
    snprintf(s->basis, sizeof s->basis, "%s", basis);
    s->from = from;
    s->to = to;
    char range[40], f[16], t[16];
    eco_day_format(from, f, sizeof f);
    eco_day_format(to, t, sizeof t);
    snprintf(range, sizeof range, "%s..%s", f, t);
    char *av[20];
    int ac = 0;
    av[ac++] = "air assess";
    av[ac++] = "--period";
    av[ac++] = range;
    av[ac++] = "--by";
    av[ac++] = (char *)level;
    if (c->sites) av[ac++] = "--sites", av[ac++] = (char *)c->sites;
    if (c->hl) av[ac++] = "--hour-label", av[ac++] = (char *)c->hl;
    if (strcmp(basis, "date")) av[ac++] = "--edition", av[ac++] = (char *)basis;
    av[ac++] = (char *)c->input;
    av[ac] = NULL;
    int rc = air_assess_collect(ac, av, on_period, s);
    if (!s->rc) s->rc = rc;
    return s;
}

static const eco_air_period_t *find(const cli_statset_t *s, const char *entity)
{
    if (!s) return NULL;
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->e[i].name, entity)) return &s->e[i].st;
    if (!strcmp(entity, "province") && s->n == 1) return &s->e[0].st; /* the one province in the input */
    return NULL;
}

static int csv_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                    eco_air_period_t *out)
{
    cli_air_csv_t *c = ud;
    cli_statset_t *s = stats(c, level, basis, from, to);
    if (c->full) {
        fprintf(stderr, "ecobrain %s: more than %d statistic sets needed\n", c->cmd, CLI_AIR_MAX_SETS);
        return c->exit = EXIT_RUNTIME, ECO_ENOMEM;
    }
    if (s && s->rc == EXIT_RUNTIME) return c->exit = EXIT_RUNTIME, ECO_ENOMEM;
    if (s && s->rc && s->n == 0) { /* the assessment refused its input: say so, do not report "no data" */
        fprintf(stderr, "ecobrain %s: the air assessment could not read the input (see above)\n", c->cmd);
        return c->exit = s->rc, ECO_EPARSE;
    }
    const eco_air_period_t *f = find(s, entity);
    if (!f) return 0;
    *out = *f;
    return 1;
}

static int csv_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                    void *cbud)
{
    cli_air_csv_t *c = ud;
    cli_statset_t *s = stats(c, level, basis, from, to);
    for (size_t k = 0; s && k < s->n; k++) cb(cbud, s->e[k].name, &s->e[k].st);
    return 0;
}

eco_tgt_source_t cli_air_csv_source(cli_air_csv_t *c) { return (eco_tgt_source_t){.ud = c, .stat = csv_stat, .each = csv_each}; }

int cli_air_csv_status(const cli_air_csv_t *c)
{
    int rc = c->exit;
    for (int i = 0; i < c->nsets; i++)
        if (c->sets[i].rc == EXIT_RUNTIME || (c->sets[i].rc && !rc)) rc = c->sets[i].rc;
    return rc;
}

void cli_air_csv_free(cli_air_csv_t *c)
{
    for (int i = 0; i < c->nsets; i++) free(c->sets[i].e);
    c->nsets = 0;
}

/* the store's source: its values in arrays (air/grid.h), read once */
static int grid_stat(void *ud, const char *level, const char *basis, const char *entity, eco_day_t from, eco_day_t to,
                     eco_air_period_t *out)
{
    return eco_air_grid_stat(ud, level, basis, entity, from, to, out);
}

static int grid_each(void *ud, const char *level, const char *basis, eco_day_t from, eco_day_t to, eco_tgt_ent_cb cb,
                     void *cbud)
{
    return eco_air_grid_each(ud, level, basis, from, to, cb, cbud);
}

eco_tgt_source_t cli_air_grid_source(eco_air_grid_t *g) { return (eco_tgt_source_t){.ud = g, .stat = grid_stat, .each = grid_each}; }

/* where --data's daily values came from, on stderr when ECO_AIRDAYS_TRACE is set (tests, diagnosis) */
void cli_airdays_note(const char *cmd, const eco_airdays_t *a)
{
    if (a && getenv("ECO_AIRDAYS_TRACE")) fprintf(stderr, "ecobrain %s: daily values from %s\n", cmd, eco_airdays_route(a));
}
