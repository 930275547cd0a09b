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

static MarInfusion *
prepare (RecordWard *w,
         const char *product_scan,
         double      minutes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, product_scan, FALSE);
  MarRecordContext context = rw_context (w, minutes, w->nurse, NULL);
  MarInfusion *bag = mar_record_prepare (w->record, &context, patient, product, NULL, &check, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bag);
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_AVAILABLE);
  return bag;
}

/* Runs one action on bag @id at anchor + @minutes. */
static gboolean
act (RecordWard         *w,
     gint64              id,
     MarInfusionAction   action,
     double              minutes,
     GError            **error)
{
  MarRecordContext context = rw_context (w, minutes, w->nurse, NULL);
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  double volume = 10;

  context.overrides = &mismatch;
  context.n_overrides = 1;

  switch (action)
    {
    case MAR_INFUSION_ACTION_RATE:
      return mar_record_change_rate (w->record, &context, id, 50, "provider-order", NULL, NULL, error);
    case MAR_INFUSION_ACTION_PAUSE:
      return mar_record_pause (w->record, &context, id, "patient-care", NULL, error);
    case MAR_INFUSION_ACTION_RESUME:
      return mar_record_resume (w->record, &context, id, NULL, error);
    case MAR_INFUSION_ACTION_BOLUS:
      return mar_record_give_bolus (w->record, &context, id, volume, NULL, error);
    case MAR_INFUSION_ACTION_STOP:
      return mar_record_stop (w->record, &context, id, NULL, "line-change", NULL, error);
    case MAR_INFUSION_ACTION_COMPLETE:
      return mar_record_complete (w->record, &context, id, NULL, NULL, error);
    case MAR_INFUSION_ACTION_HOLD:
    case MAR_INFUSION_ACTION_REFUSE:
    case MAR_INFUSION_ACTION_MISSING:
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      {
        const char *reason = action == MAR_INFUSION_ACTION_HOLD ? "procedure"
                             : action == MAR_INFUSION_ACTION_REFUSE ? "patient-declined"
                             : action == MAR_INFUSION_ACTION_MISSING ? "not-found" : "order-changed";
        g_autoptr(MarInfusion) bag = mar_record_document_not_done (w->record, &context, action, id, reason,
                                                                   NULL, NULL, error);
        return bag != NULL;
      }
    case MAR_INFUSION_ACTION_REACTION:
      {
        MarReactionRequest request = { .kind = "chills", .severity = "mild" };
        return mar_record_add_reaction (w->record, &context, id, &request, error) != 0;
      }
    case MAR_INFUSION_ACTION_SITE_CHECK:
      {
        MarSiteCheckRequest request = { .site = "left forearm" };
        return mar_record_add_site_check (w->record, &context, id, &request, error) != 0;
      }
    case MAR_INFUSION_ACTION_START:
    case MAR_INFUSION_N_ACTIONS:
    default:
      g_assert_not_reached ();
    }
}

static MarInfusionState
state_of (RecordWard *w,
          gint64      id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarInfusion) bag = mar_record_get_infusion (w->record, id, &error);

  g_assert_no_error (error);
  return bag->state;
}

/* A bag of bed 4W-01 brought into @state at about anchor + 10 min. */
static gint64
bag_in_state (RecordWard       *w,
              MarInfusionState  state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarInfusion) bag = NULL;

  switch (state)
    {
    case MAR_INFUSION_AVAILABLE:
    case MAR_INFUSION_HELD:
    case MAR_INFUSION_REFUSED:
    case MAR_INFUSION_MISSING:
    case MAR_INFUSION_NOT_GIVEN:
    case MAR_INFUSION_ENTERED_IN_ERROR:
      bag = prepare (w, RW_NACL_S01, 0);
      break;
    case MAR_INFUSION_INFUSING:
    case MAR_INFUSION_PAUSED:
    case MAR_INFUSION_STOPPED:
    case MAR_INFUSION_COMPLETED:
    case MAR_INFUSION_N_STATES:
    default:
      bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
      break;
    }

  switch (state)
    {
    case MAR_INFUSION_PAUSED:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_PAUSE, 10, &error));
      break;
    case MAR_INFUSION_STOPPED:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_STOP, 10, &error));
      break;
    case MAR_INFUSION_COMPLETED:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_COMPLETE, 10, &error));
      break;
    case MAR_INFUSION_HELD:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_HOLD, 10, &error));
      break;
    case MAR_INFUSION_REFUSED:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_REFUSE, 10, &error));
      break;
    case MAR_INFUSION_MISSING:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_MISSING, 10, &error));
      break;
    case MAR_INFUSION_NOT_GIVEN:
      g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_NOT_GIVEN, 10, &error));
      break;
    case MAR_INFUSION_ENTERED_IN_ERROR:
      {
        MarRecordContext context = rw_context (w, 10, w->nurse, NULL);
        g_assert_cmpint (mar_record_correct (w->record, &context, bag->created_seq, "wrong-bag", NULL,
                                             &error), >, 0);
      }
      break;
    case MAR_INFUSION_AVAILABLE:
    case MAR_INFUSION_INFUSING:
    case MAR_INFUSION_N_STATES:
    default:
      break;
    }
  g_assert_no_error (error);
  g_assert_cmpint (state_of (w, bag->id), ==, state);
  return bag->id;
}

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
  g_assert_cmpstr (bag->bag_id, ==, "010061414110010121S01");
  g_assert_cmpstr (bag->performer_id, ==, "prac-n1001");
  g_assert_true (bag->continuous);
  g_assert_false (bag->requires_witness);

  read = mar_record_get_infusion (w->record, bag->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->uuid, ==, bag->uuid);
  g_assert_cmpint (read->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpfloat_with_epsilon (mar_infusion_get_volume_at (read, rw_at (w, 60)), 75, 1e-9);

  /* By number, by UUID, by its urn:uuid identifier. */
  {
    g_autofree char *urn = g_strconcat ("urn:uuid:", bag->uuid, NULL);
    g_autoptr(MarInfusion) by_uuid = mar_record_lookup_infusion (w->record, bag->uuid, &error);
    g_autoptr(MarInfusion) by_urn = mar_record_lookup_infusion (w->record, urn, &error);
    g_autoptr(MarInfusion) none = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (by_uuid->id, ==, bag->id);
    g_assert_cmpint (by_urn->id, ==, bag->id);
    none = mar_record_lookup_infusion (w->record, "7", &error);
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND);
  }
}

/* The pure state machine against RULES.md's list, every pair. */
static void
test_state_machine_table (void)
{
  static const struct { MarInfusionState from; MarInfusionAction action; MarInfusionState to; } allowed[] = {
    { MAR_INFUSION_AVAILABLE, MAR_INFUSION_ACTION_START, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_AVAILABLE, MAR_INFUSION_ACTION_HOLD, MAR_INFUSION_HELD },
    { MAR_INFUSION_AVAILABLE, MAR_INFUSION_ACTION_REFUSE, MAR_INFUSION_REFUSED },
    { MAR_INFUSION_AVAILABLE, MAR_INFUSION_ACTION_MISSING, MAR_INFUSION_MISSING },
    { MAR_INFUSION_AVAILABLE, MAR_INFUSION_ACTION_NOT_GIVEN, MAR_INFUSION_NOT_GIVEN },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_RATE, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_PAUSE, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_BOLUS, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_STOP, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_COMPLETE, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_INFUSING, MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_PAUSED, MAR_INFUSION_ACTION_RESUME, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_PAUSED, MAR_INFUSION_ACTION_STOP, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_PAUSED, MAR_INFUSION_ACTION_COMPLETE, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_PAUSED, MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_PAUSED, MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_STOPPED, MAR_INFUSION_ACTION_RESUME, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_STOPPED, MAR_INFUSION_ACTION_COMPLETE, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_STOPPED, MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_STOPPED, MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_COMPLETED, MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_COMPLETED, MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_COMPLETED },
  };
  guint n_allowed = 0;

  for (guint s = 0; s < MAR_INFUSION_N_STATES; s++)
    for (guint a = 0; a < MAR_INFUSION_N_ACTIONS; a++)
      {
        MarInfusionState next = MAR_INFUSION_N_STATES;
        gboolean expected = FALSE;
        MarInfusionState expected_next = MAR_INFUSION_N_STATES;

        for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
          if (allowed[i].from == s && allowed[i].action == a)
            {
              expected = TRUE;
              expected_next = allowed[i].to;
            }
        g_assert_cmpint (mar_infusion_state_allows (s, a, &next), ==, expected);
        if (expected)
          {
            g_assert_cmpint (next, ==, expected_next);
            n_allowed++;
          }
      }
  g_assert_cmpuint (n_allowed, ==, G_N_ELEMENTS (allowed));
}

/* Every allowed transition through the record, in one bag's life. */
static void
test_transitions_allowed (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GError) error = NULL;
  static const struct { MarInfusionAction action; MarInfusionState state; } steps[] = {
    { MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_RATE, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_BOLUS, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_PAUSE, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_ACTION_RESUME, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_PAUSE, MAR_INFUSION_PAUSED },
    { MAR_INFUSION_ACTION_STOP, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_ACTION_RESUME, MAR_INFUSION_INFUSING },
    { MAR_INFUSION_ACTION_STOP, MAR_INFUSION_STOPPED },
    { MAR_INFUSION_ACTION_COMPLETE, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_COMPLETED },
    { MAR_INFUSION_ACTION_SITE_CHECK, MAR_INFUSION_COMPLETED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      gboolean ok = act (w, bag->id, steps[i].action, 10 * (i + 1), &error);

      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpint (state_of (w, bag->id), ==, steps[i].state);
    }

  /* Paused → completed and infusing → completed directly. */
  {
    g_autoptr(MarInfusion) second = rw_start_nacl (w, RW_NACL_S01B, 200, 75);
    g_assert_true (act (w, second->id, MAR_INFUSION_ACTION_PAUSE, 210, &error));
    g_assert_true (act (w, second->id, MAR_INFUSION_ACTION_COMPLETE, 220, &error));
    g_assert_no_error (error);
    g_assert_cmpint (state_of (w, second->id), ==, MAR_INFUSION_COMPLETED);
  }
}

/* Each state with every action it does not allow, through the record. */
static void
test_transitions_refused (void)
{
  static const MarInfusionAction actions[] = {
    MAR_INFUSION_ACTION_RATE, MAR_INFUSION_ACTION_PAUSE, MAR_INFUSION_ACTION_RESUME,
    MAR_INFUSION_ACTION_BOLUS, MAR_INFUSION_ACTION_STOP, MAR_INFUSION_ACTION_COMPLETE,
    MAR_INFUSION_ACTION_HOLD, MAR_INFUSION_ACTION_REFUSE, MAR_INFUSION_ACTION_MISSING,
    MAR_INFUSION_ACTION_NOT_GIVEN, MAR_INFUSION_ACTION_REACTION, MAR_INFUSION_ACTION_SITE_CHECK,
  };
  guint refused = 0;

  for (guint s = 0; s < MAR_INFUSION_N_STATES; s++)
    {
      g_autoptr(RecordWard) w = record_ward_new ();
      gint64 id = bag_in_state (w, s);

      for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *label = NULL;

          if (mar_infusion_state_allows (s, actions[a], NULL))
            continue;
          g_assert_false (act (w, id, actions[a], 30, &error));
          g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION);
          /* The message names the state the bag is in. */
          label = g_strdup_printf ("This bag is %s", mar_infusion_state_get_label (s));
          g_assert_true (g_str_has_prefix (error->message, label));
          g_assert_cmpint (state_of (w, id), ==, s);
          refused++;
        }
    }
  g_test_message ("%u refused transitions", refused);
  /* 10 states × 12 actions, less the 22 allowed pairs (START is not among them). */
  g_assert_cmpuint (refused, ==, 10 * 12 - 22);
}

/* Re-scanning a bag that is not available: a running one opens, a used
 * one is BAG_ALREADY_USED (RULES.md). */
static void
test_start_again (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, RW_NACL_S01, FALSE);
  MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 75 };

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarRecordCheck) check = NULL;
    MarRecordContext context = rw_context (w, 5, w->nurse, NULL);

    g_assert_null (mar_record_start (w->record, &context, &request, &check, &error));
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OPEN_INFUSION);
    g_assert_cmpint (mar_record_check_get_open_infusion (check), ==, bag->id);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarRecordCheck) check = NULL;
    MarRecordContext context = rw_context (w, 30, w->nurse, NULL);

    g_assert_true (act (w, bag->id, MAR_INFUSION_ACTION_COMPLETE, 20, &error));
    g_assert_null (mar_record_start (w->record, &context, &request, &check, &error));
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
    g_assert_true (mar_record_check_has_code (check, "BAG_ALREADY_USED"));
  }
}

/* A bag prepared at the bedside is the one started when its label is
 * scanned again. */
static void
test_prepare_then_start (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) prepared = prepare (w, RW_NACL_S01, 0);
  g_autoptr(MarInfusion) started = rw_start_nacl (w, RW_NACL_S01, 5, 75);

  g_assert_cmpint (started->id, ==, prepared->id);
  g_assert_cmpstr (started->uuid, ==, prepared->uuid);
  g_assert_cmpint (started->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpint (started->started_at, ==, rw_at (w, 5));
}

/* A dose not given without a bag: the wristband and the order. */
static void
test_not_given_by_order (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarScanResult) patient = rw_scan (w, "74121248", FALSE);
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarNotDoneRequest request = { .patient_scan = patient, .order_id = "mr-4w-10-meropenem" };
  g_autoptr(MarInfusion) bag = NULL;

  bag = mar_record_document_not_done (w->record, &context, MAR_INFUSION_ACTION_HOLD, 0, "nope", NULL,
                                      &request, &error);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_assert_null (bag);
  g_clear_error (&error);

  bag = mar_record_document_not_done (w->record, &context, MAR_INFUSION_ACTION_HOLD, 0, "other", NULL,
                                      &request, &error);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);

  bag = mar_record_document_not_done (w->record, &context, MAR_INFUSION_ACTION_HOLD, 0, "off-unit",
                                      "in CT", &request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bag->state, ==, MAR_INFUSION_HELD);
  g_assert_cmpstr (bag->state_reason, ==, "off-unit");
  g_assert_cmpstr (bag->order_id, ==, "mr-4w-10-meropenem");
  /* Against the due time nearest now (08:30 in the demo ward). */
  g_assert_cmpint (bag->due_time, ==, rw_at (w, -90));

  /* Another patient's order is refused. */
  {
    g_autoptr(MarInfusion) other = NULL;
    MarNotDoneRequest wrong = { .patient_scan = patient, .order_id = "mr-4w-01-nacl" };

    other = mar_record_document_not_done (w->record, &context, MAR_INFUSION_ACTION_REFUSE, 0,
                                          "patient-declined", NULL, &wrong, &error);
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND);
    g_assert_null (other);
  }
}

/* RULES.md, BAG_STILL_INFUSING: the next bag of a continuous order waits
 * for the previous one to be completed. */
static void
test_new_bag (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) first = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, RW_NACL_S01B, FALSE);
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 75, .previous = first->id,
  };

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarRecordCheck) check = NULL;
    MarRecordContext context = rw_context (w, 600, w->nurse, NULL);

    g_assert_null (mar_record_start (w->record, &context, &request, &check, &error));
    g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
    g_assert_true (mar_record_check_has_code (check, "BAG_STILL_INFUSING"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarRecordCheck) check = NULL;
    g_autoptr(MarInfusion) second = NULL;
    MarRecordContext context = rw_context (w, 601, w->nurse, NULL);

    g_assert_true (act (w, first->id, MAR_INFUSION_ACTION_COMPLETE, 600, &error));
    second = mar_record_start (w->record, &context, &request, &check, &error);
    g_assert_no_error (error);
    g_assert_cmpint (second->previous_id, ==, first->id);
    g_assert_cmpint (second->state, ==, MAR_INFUSION_INFUSING);
    g_assert_cmpint (mar_record_check_get_kind (check), ==, MAR_VERDICT_PASS);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/record/start/nacl", test_start_nacl);
  g_test_add_func ("/core/record/start/again", test_start_again);
  g_test_add_func ("/core/record/start/prepared", test_prepare_then_start);
  g_test_add_func ("/core/record/start/new-bag", test_new_bag);
  g_test_add_func ("/core/record/state-machine/table", test_state_machine_table);
  g_test_add_func ("/core/record/transition/allowed", test_transitions_allowed);
  g_test_add_func ("/core/record/transition/refused", test_transitions_refused);
  g_test_add_func ("/core/record/not-done/by-order", test_not_given_by_order);

  return g_test_run ();
}
