/* undo.h — a journal of per-id state to put back when a transaction fails.
 *
 * Why: the ingest writer screens and judges each value as it stores it, and the screens' and
 * rules' per-series state (rings of recent readings, runs, "already firing" flags) moves with
 * every value. When the transaction then fails (a full disk, an I/O error) the values are not
 * stored and the devices resend them — into a state that has already seen them: readings counted
 * twice, a run one longer, an alert that no longer fires because its state says it has. The
 * journal keeps the state of each id as it was before its first change in the transaction, once
 * per id, and copies it back on rollback.
 *
 *   eco_undo_begin(u) ... eco_undo_save(u, id, state, size) before each change ... and then
 *   eco_undo_end(u) (committed) or eco_undo_rollback(u, slot, ud) (failed: every saved state
 *   copied back to slot(ud, id)).
 *
 * Outside begin/end, save does nothing (a CLI scan has no transaction to undo).
 */
#ifndef ECO_CORE_UNDO_H
#define ECO_CORE_UNDO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct eco_undo {
    uint32_t *mark;   /* per id: the epoch its state was last saved in */
    size_t mark_cap;
    uint32_t epoch;
    int active;
    int lost;         /* a save failed (no memory): the rollback cannot be exact */
    eco_buf_t log;    /* records: uint32 id, uint32 size, size bytes */
} eco_undo_t;

void eco_undo_init(eco_undo_t *u);
void eco_undo_free(eco_undo_t *u);
void eco_undo_begin(eco_undo_t *u);
/** Keep n bytes at p as id's state before the transaction, unless id's state is kept already
 *  (or no transaction is open). 0, or ECO_ENOMEM (then u->lost is set). */
int eco_undo_save(eco_undo_t *u, uint32_t id, const void *p, size_t n);
/** Copy every kept state back (to slot(ud, id), which must hold at least its size) and end the
 *  transaction. The number of states put back, or ECO_ENOMEM when a save had failed (the others
 *  are put back all the same). */
int eco_undo_rollback(eco_undo_t *u, void *(*slot)(void *ud, uint32_t id), void *ud);
void eco_undo_end(eco_undo_t *u);

#endif
