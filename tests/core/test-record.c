/* test-record.c — the infusion lifecycle: start, every transition, refused ones
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RULES.md, The record: available → infusing ⇄ paused; infusing/paused →
 * stopped → infusing; → completed; held, refused, missing, not given.
 * Every other transition is refused with a message naming the state.
 */

#include "config.h"

#include "record-test-util.h"

static void
test_start_nacl (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) read = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (bag->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat (bag->bag_volume_ml, ==, 1000);
  g_assert_cmpint (bag->segments->len, ==, 1);
  g_assert_cmpstr (bag->order_id, ==, "mr-4w-01-nacl");

  read = mar_record_get_infusion (w->record, bag->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->uuid, ==, bag->uuid);
  g_assert_cmpint (read->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat_with_epsilon (mar_infusion_get_volume_at (read, rw_at (w, 60)), 75, 1e-9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/record/start/nacl", test_start_nacl);

  return g_test_run ();
}
