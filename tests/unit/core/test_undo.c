/* test_undo.c — the state journal: one copy per id per transaction, put back on rollback,
 * forgotten on end, nothing kept outside a transaction, epochs that do not leak across. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/undo.h"

static int st[1000];

static void *slot(void *ud, uint32_t id)
{
    (void)ud;
    return id < 1000 ? &st[id] : NULL;
}

static void change(eco_undo_t *u, uint32_t id, int v)
{
    assert_int_equal(eco_undo_save(u, id, &st[id], sizeof st[id]), 0);
    st[id] = v;
}

static void test_undo(void **state)
{
    (void)state;
    eco_undo_t u;
    eco_undo_init(&u);
    for (int i = 0; i < 1000; i++) st[i] = i;
    change(&u, 5, 50); /* outside a transaction: kept by nobody */
    assert_int_equal(eco_undo_rollback(&u, slot, NULL), 0);
    assert_int_equal(st[5], 50);
    eco_undo_begin(&u);
    change(&u, 5, 51);
    change(&u, 5, 52); /* the second change of id 5 keeps nothing more */
    change(&u, 999, -1);
    change(&u, 7, 70);
    assert_int_equal(eco_undo_rollback(&u, slot, NULL), 3);
    assert_int_equal(st[5], 50);
    assert_int_equal(st[999], 999);
    assert_int_equal(st[7], 7);
    eco_undo_begin(&u);
    change(&u, 7, 71);
    eco_undo_end(&u); /* committed */
    eco_undo_begin(&u);
    change(&u, 7, 72); /* a new transaction keeps the committed value, not the older one */
    assert_int_equal(eco_undo_rollback(&u, slot, NULL), 1);
    assert_int_equal(st[7], 71);
    /* many transactions: the epoch marks of one never count in another */
    for (int k = 0; k < 300; k++) {
        uint32_t id = (uint32_t)(k % 13);
        int before = st[id], before2 = st[(id + 1) % 13];
        eco_undo_begin(&u);
        change(&u, id, 1000 + k);
        change(&u, (id + 1) % 13, 2000 + k);
        if (k % 2) {
            eco_undo_end(&u);
            assert_int_equal(st[id], 1000 + k);
        } else {
            assert_int_equal(eco_undo_rollback(&u, slot, NULL), 2);
            assert_int_equal(st[id], before);
            assert_int_equal(st[(id + 1) % 13], before2);
        }
    }
    eco_undo_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
