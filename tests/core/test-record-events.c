/* test-record-events.c — reactions, site checks, corrections, and what goes to the server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mar-outbox.h"
#include "mar-store-private.h"
#include "record-test-util.h"

static gint64
count_rows (RecordWard *w,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStmt) stmt = mar_store_prepare (w->store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (mar_store_step (w->store, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static MarInfusion *
get (RecordWard *w,
     gint64      id)
{
  g_autoptr(GError) error = NULL;
  MarInfusion *bag = mar_record_get_infusion (w->record, id, &error);

  g_assert_no_error (error);
  return bag;
}

static MarInfusionState
state_of_bag (RecordWard *w,
              gint64      id)
{
  g_autoptr(MarInfusion) bag = get (w, id);

  return bag->state;
}

/* Reactions and site checks ---------------------------------------------------- */

/* Issue 4: a severe reaction stops the infusion (with the estimated
 * volume, or the pump's), unless it is kept running with a reason. */
static void
test_reaction_severe_stops (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 40, w->nurse, NULL);
  const char *actions[] = { "provider-notified", NULL };
  MarReactionRequest request = {
    .kind = "rigors", .severity = "severe", .actions = actions, .outcome = "recovering",
  };

  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &request, &error), >, 0);
  g_assert_no_error (error);
  after = get (w, bag->id);
  g_assert_cmpint (after->state, ==, MAR_INFUSION_STOPPED);
  g_assert_cmpstr (after->state_reason, ==, "reaction");
  g_assert_cmpint (after->ended_at, ==, rw_at (w, 40));
  g_assert_cmpuint (after->volume_checks->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (after->volume_checks, MarVolumeCheck, 0).confirmed_ml, 50, 1e-9);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM reactions WHERE kind = 'rigors' "
                                  "AND severity = 'severe' AND kept_running = 0 "
                                  "AND actions = '[\"provider-notified\",\"stopped\"]'"), ==, 1);
}

static void
test_reaction_keep_running (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 40, w->nurse, NULL);
  MarReactionRequest request = {
    .kind = "hypotension", .severity = "life-threatening", .keep_running_reason = "not-on-the-list",
  };

  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &request, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);

  request.keep_running_reason = "provider-instruction";
  request.keep_running_comment = "fluid resuscitation: keep the saline running";
  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &request, &error), >, 0);
  g_assert_no_error (error);
  after = get (w, bag->id);
  g_assert_cmpint (after->state, ==, MAR_INFUSION_INFUSING);
  g_assert_cmpint (count_rows (w, "SELECT kept_running FROM reactions"), ==, 1);
}

static void
test_reaction_mild_and_invalid (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 40, w->nurse, NULL);
  const char *bad_actions[] = { "prayed", NULL };
  MarReactionRequest mild = { .kind = "itching", .severity = "mild" };
  MarReactionRequest bad_kind = { .kind = "sneezing", .severity = "mild" };
  MarReactionRequest bad_severity = { .kind = "itching", .severity = "awful" };
  MarReactionRequest bad_action = { .kind = "itching", .severity = "mild", .actions = bad_actions };

  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &mild, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (state_of_bag (w, bag->id), ==, MAR_INFUSION_INFUSING);

  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &bad_kind, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &bad_severity, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &bad_action, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
}

/* A severe site complication (extravasation) stops it with the pump's
 * volume; a routine check without findings does not. */
static void
test_site_check (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext early = rw_context (w, 60, w->nurse, NULL);
  MarRecordContext later = rw_context (w, 120, w->nurse, NULL);
  const char *findings[] = { "extravasation", "swelling", NULL };
  double pump = 140;
  MarSiteCheckRequest fine = { .site = "left forearm" };
  MarSiteCheckRequest no_severity = { .findings = findings };
  MarSiteCheckRequest severe = { .findings = findings, .severity = "severe", .stop_volume_ml = &pump };

  g_assert_cmpint (mar_record_add_site_check (w->record, &early, bag->id, &fine, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (mar_record_add_site_check (w->record, &later, bag->id, &no_severity, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (mar_record_add_site_check (w->record, &later, bag->id, &severe, &error), >, 0);
  g_assert_no_error (error);

  after = get (w, bag->id);
  g_assert_cmpint (after->state, ==, MAR_INFUSION_STOPPED);
  g_assert_cmpstr (after->state_reason, ==, "site-complication");
  g_assert_cmpfloat_with_epsilon (mar_infusion_get_volume_at (after, rw_at (w, 300)), 140, 1e-9);
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM site_checks"), ==, 2);
}

/* Corrections (RULES.md: a new entry that references the corrected one) ------- */

static gint64
correct (RecordWard    *w,
         MarSignature  *nurse,
         double         minutes,
         gint64         seq,
         GError       **error)
{
  MarRecordContext context = rw_context (w, minutes, nurse, NULL);

  return mar_record_correct (w->record, &context, seq, "wrong-rate", NULL, error);
}

/* A rate documented in error: the bag runs on at the rate before it, and
 * the volume follows. */
static void
test_correct_rate_change (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) changed = NULL;
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 60, w->nurse, NULL);
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  gint64 correction;

  context.overrides = &mismatch;
  context.n_overrides = 1;
  g_assert_true (mar_record_change_rate (w->record, &context, bag->id, 150, "provider-order", NULL, NULL,
                                         &error));
  changed = get (w, bag->id);
  g_assert_cmpfloat_with_epsilon (mar_infusion_get_volume_at (changed, rw_at (w, 120)), 75 + 150, 1e-9);

  correction = correct (w, w->nurse, 70, changed->updated_seq, &error);
  g_assert_no_error (error);
  g_assert_cmpint (correction, ==, changed->updated_seq + 1);
  after = get (w, bag->id);
  g_assert_cmpuint (after->segments->len, ==, 1);
  g_assert_cmpfloat (after->rate_ml_per_h, ==, 75);
  g_assert_cmpfloat_with_epsilon (mar_infusion_get_volume_at (after, rw_at (w, 120)), 150, 1e-9);

  /* Corrected once only. */
  g_assert_cmpint (correct (w, w->nurse, 71, changed->updated_seq, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION);
  g_clear_error (&error);
  /* A correction is not corrected. */
  g_assert_cmpint (correct (w, w->nurse, 71, correction, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (correct (w, w->nurse, 71, 99999, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Staff events (PIN set) are not administration entries. */
  g_assert_cmpint (correct (w, w->nurse, 71, 1, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID);
}

/* Later entries that build on an entry are corrected first; reactions
 * stand alone; the whole bag, once nothing else stands. */
static void
test_correct_order_and_whole_bag (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) paused = NULL;
  g_autoptr(MarInfusion) after = NULL;
  g_autoptr(GError) error = NULL;
  MarRecordContext context = rw_context (w, 30, w->nurse, NULL);
  MarReactionRequest request = { .kind = "flushing", .severity = "mild" };
  gint64 reaction;

  reaction = mar_record_add_reaction (w->record, &context, bag->id, &request, &error);
  g_assert_true (mar_record_pause (w->record, &context, bag->id, "patient-care", NULL, &error));
  g_assert_no_error (error);
  paused = get (w, bag->id);

  /* The start has a pause after it. */
  g_assert_cmpint (correct (w, w->nurse, 40, bag->created_seq, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_REFUSED_TRANSITION);
  g_clear_error (&error);

  /* The reaction, whatever came after it. */
  g_assert_cmpint (correct (w, w->nurse, 40, reaction, &error), >, 0);
  g_assert_cmpint (count_rows (w, "SELECT entered_in_error FROM reactions"), ==, 1);
  g_assert_cmpint (correct (w, w->nurse, 41, paused->updated_seq, &error), >, 0);
  g_assert_cmpint (correct (w, w->nurse, 42, bag->created_seq, &error), >, 0);
  g_assert_no_error (error);

  after = get (w, bag->id);
  g_assert_cmpint (after->state, ==, MAR_INFUSION_ENTERED_IN_ERROR);
  /* The engine no longer counts it: the same bag may be documented again. */
  g_assert_cmpint (count_rows (w, "SELECT count(*) FROM administrations WHERE source = 'local' "
                                  "AND status = 'entered-in-error'"), ==, 1);
  {
    g_autoptr(MarInfusion) again = rw_start_nacl (w, RW_NACL_S01, 45, 75);
    g_assert_cmpint (again->id, !=, bag->id);
  }
}

/* The nurse who documented it, or a charge nurse. */
static void
test_correct_who (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (correct (w, w->nurse2, 10, bag->created_seq, &error), ==, 0);
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (correct (w, w->charge, 10, bag->created_seq, &error), >, 0);
  g_assert_no_error (error);
}

/* The outbox (FHIR-PROFILE.md, Written) ---------------------------------------- */

/* The entries queued for @uuid, oldest first, parsed. */
static GPtrArray *
queued_for (RecordWard *w,
            const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = mar_outbox_list (w->store, -1, &error);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      MarOutboxEntry *e = g_ptr_array_index (all, i);
      g_autoptr(JsonNode) node = NULL;

      if (g_strcmp0 (e->resource_uuid, uuid) != 0)
        continue;
      node = json_from_string (e->resource_json, &error);
      g_assert_no_error (error);
      /* The first is a create, every later one an update of the same UUID. */
      g_assert_cmpint (e->operation, ==, found->len == 0 ? MAR_OUTBOX_CREATE : MAR_OUTBOX_UPDATE);
      g_ptr_array_add (found, json_object_ref (json_node_get_object (node)));
    }
  return found;
}

static JsonObject *
last_queued (GPtrArray *queued)
{
  g_assert_cmpuint (queued->len, >, 0);
  return g_ptr_array_index (queued, queued->len - 1);
}

static const char *
path_string (JsonObject *object,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end = NULL;
      gint64 index = g_ascii_strtoll (parts[i], &end, 10);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) && end != parts[i] && *end == '\0')
        node = json_array_get_element (json_node_get_array (node), index);
      else
        {
          JsonObject *o = node == NULL ? object : json_node_get_object (node);
          node = json_object_get_member (o, parts[i]);
        }
      g_assert_nonnull (node);
    }
  return json_node_get_string (node);
}

static double
path_double (JsonObject *object,
             const char *path)
{
  g_autofree char *parent = g_strdup (path);
  char *dot = strrchr (parent, '.');
  JsonObject *o = object;
  g_auto(GStrv) parts = NULL;

  *dot = '\0';
  parts = g_strsplit (parent, ".", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    o = json_object_get_object_member (o, parts[i]);
  return json_object_get_double_member (o, dot + 1);
}

static void
test_outbox_start_and_complete (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_heparin (w, 0, 12.96, NULL, 0);
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *urn = g_strconcat ("urn:uuid:", bag->uuid, NULL);
  g_autoptr(GPtrArray) audit = NULL;
  MarRecordContext context = rw_context (w, 120, w->nurse, NULL);
  JsonObject *ma;
  guint unpushed = 0;

  queued = queued_for (w, bag->uuid);
  g_assert_cmpuint (queued->len, ==, 1);
  ma = last_queued (queued);
  g_assert_cmpstr (path_string (ma, "resourceType"), ==, "MedicationAdministration");
  g_assert_cmpstr (path_string (ma, "status"), ==, "in-progress");
  g_assert_cmpstr (path_string (ma, "identifier.0.system"), ==, "urn:ietf:rfc:3986");
  g_assert_cmpstr (path_string (ma, "identifier.0.value"), ==, urn);
  g_assert_cmpstr (path_string (ma, "identifier.1.system"), ==, "urn:bedside-mar:bag");
  g_assert_cmpstr (path_string (ma, "identifier.1.value"), ==, bag->bag_id);
  g_assert_cmpstr (path_string (ma, "subject.reference"), ==, "Patient/pt-4w-01");
  g_assert_cmpstr (path_string (ma, "request.reference"), ==, "MedicationRequest/mr-4w-01-heparin/_history/1");
  g_assert_cmpstr (path_string (ma, "medicationReference.reference"), ==, "#bag");
  g_assert_cmpstr (path_string (ma, "contained.0.code.coding.0.code"), ==, "00614141301102");
  g_assert_cmpstr (path_string (ma, "contained.0.batch.lotNumber"), ==, "HP1102");
  g_assert_cmpstr (path_string (ma, "performer.0.function.coding.0.code"), ==, "performer");
  g_assert_cmpstr (path_string (ma, "performer.0.actor.reference"), ==, "Practitioner/prac-n1001");
  g_assert_cmpstr (path_string (ma, "performer.1.function.coding.0.code"), ==, "verifier");
  g_assert_cmpstr (path_string (ma, "performer.1.actor.reference"), ==, "Practitioner/prac-n1002");
  g_assert_cmpstr (path_string (ma, "dosage.route.coding.0.code"), ==, "47625008");
  g_assert_cmpstr (path_string (ma, "dosage.site.text"), ==, "left forearm");
  g_assert_cmpstr (path_string (ma, "device.0.identifier.value"), ==, "PUMP-7");
  g_assert_cmpfloat (path_double (ma, "dosage.rateQuantity.value"), ==, 13);  /* a tenth: 12.96 → 13.0 */
  g_assert_false (json_object_has_member (json_object_get_object_member (ma, "effectivePeriod"), "end"));

  /* The chain head went with it. */
  audit = g_ptr_array_new ();
  {
    g_autoptr(GPtrArray) all = mar_outbox_list (w->store, -1, &error);
    for (guint i = 0; i < all->len; i++)
      if (g_str_equal (((MarOutboxEntry *) g_ptr_array_index (all, i))->resource_type, "AuditEvent"))
        g_ptr_array_add (audit, NULL);
    g_assert_cmpuint (audit->len, >=, 1);
  }
  g_assert_true (mar_record_count_unpushed (w->record, bag->id, &unpushed, &error));
  g_assert_cmpuint (unpushed, ==, 1);

  /* Completed: the same resource, updated. */
  g_assert_true (mar_record_complete (w->record, &context, bag->id, NULL, "bag empty", &error));
  g_assert_no_error (error);
  g_ptr_array_unref (queued);
  queued = queued_for (w, bag->uuid);
  g_assert_cmpuint (queued->len, ==, 2);
  ma = last_queued (queued);
  g_assert_cmpstr (path_string (ma, "status"), ==, "completed");
  g_assert_nonnull (path_string (ma, "effectivePeriod.end"));
  g_assert_cmpfloat_with_epsilon (path_double (ma, "dosage.dose.value"), 25.9, 1e-9);
  g_assert_cmpstr (path_string (ma, "dosage.dose.code"), ==, "mL");
  g_assert_true (mar_record_count_unpushed (w->record, bag->id, &unpushed, &error));
  g_assert_cmpuint (unpushed, ==, 2);

  /* Once sync has sent everything, nothing shows as unsynced. */
  {
    g_autoptr(GPtrArray) all = mar_outbox_list (w->store, -1, &error);
    g_autoptr(GPtrArray) left = NULL;

    for (guint i = 0; i < all->len; i++)
      {
        MarOutboxEntry *e = g_ptr_array_index (all, i);
        g_autofree char *id = g_strdup_printf ("srv-%u", i);
        g_assert_true (mar_outbox_mark_sent (w->store, e->seq, id, "1", rw_at (w, 130), &error));
      }
    g_assert_true (mar_record_count_unpushed (w->record, bag->id, &unpushed, &error));
    g_assert_cmpuint (unpushed, ==, 0);
    left = mar_record_list_unpushed_entries (w->record, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (left->len, ==, 0);
  }
}

/* A rate segment points at the bag's first record and goes after it; a
 * correction turns it entered in error, under the same UUID. */
static void
test_outbox_segment (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarInfusion) changed = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *segment_uuid = NULL;
  g_autofree char *urn = g_strconcat ("urn:uuid:", bag->uuid, NULL);
  MarRecordContext context = rw_context (w, 60, w->nurse, NULL);
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  JsonObject *segment;

  context.overrides = &mismatch;
  context.n_overrides = 1;
  g_assert_true (mar_record_change_rate (w->record, &context, bag->id, 100, "provider-order", NULL, NULL,
                                         &error));
  g_assert_no_error (error);
  changed = get (w, bag->id);

  all = mar_outbox_list (w->store, -1, &error);
  for (guint i = 0; i < all->len; i++)
    {
      MarOutboxEntry *e = g_ptr_array_index (all, i);

      if (g_strcmp0 (e->depends_on, bag->uuid) == 0)
        {
          g_assert_null (segment_uuid);
          segment_uuid = g_strdup (e->resource_uuid);
        }
    }
  g_assert_nonnull (segment_uuid);
  queued = queued_for (w, segment_uuid);
  segment = last_queued (queued);
  g_assert_cmpstr (path_string (segment, "partOf.0.identifier.value"), ==, urn);
  g_assert_cmpstr (path_string (segment, "partOf.0.type"), ==, "MedicationAdministration");
  g_assert_cmpfloat (path_double (segment, "dosage.rateQuantity.value"), ==, 100);
  g_assert_cmpstr (path_string (segment, "status"), ==, "in-progress");
  g_assert_cmpstr (path_string (segment, "note.0.text"), ==, "Rate change: Provider ordered or approved it");

  g_assert_cmpint (correct (w, w->nurse, 70, changed->updated_seq, &error), >, 0);
  g_ptr_array_unref (queued);
  queued = queued_for (w, segment_uuid);
  g_assert_cmpuint (queued->len, ==, 2);
  g_assert_cmpstr (path_string (last_queued (queued), "status"), ==, "entered-in-error");
}

static void
test_outbox_reaction_and_site_check (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(GPtrArray) reaction = NULL;
  g_autoptr(GPtrArray) site = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *urn = g_strconcat ("urn:uuid:", bag->uuid, NULL);
  MarRecordContext context = rw_context (w, 30, w->nurse, NULL);
  MarReactionRequest request = {
    .kind = "anaphylaxis", .severity = "life-threatening", .outcome = "recovering",
    .keep_running_reason = "other", .keep_running_comment = "line kept open for epinephrine",
  };
  MarSiteCheckRequest check = { .site = "left forearm" };
  gint64 reaction_seq, site_seq;
  JsonObject *ae, *obs;

  reaction_seq = mar_record_add_reaction (w->record, &context, bag->id, &request, &error);
  site_seq = mar_record_add_site_check (w->record, &context, bag->id, &check, &error);
  g_assert_no_error (error);
  entries = mar_audit_list_entries (w->store, reaction_seq, site_seq, &error);

  reaction = queued_for (w, ((MarAuditEntry *) g_ptr_array_index (entries, 0))->uuid);
  ae = last_queued (reaction);
  g_assert_cmpstr (path_string (ae, "resourceType"), ==, "AdverseEvent");
  g_assert_cmpstr (path_string (ae, "actuality"), ==, "actual");
  g_assert_cmpstr (path_string (ae, "event.coding.1.code"), ==, "39579001");
  g_assert_cmpstr (path_string (ae, "severity.coding.0.code"), ==, "severe");
  g_assert_cmpstr (path_string (ae, "seriousness.coding.0.code"), ==, "SeriousIsLifeThreatening");
  g_assert_cmpstr (path_string (ae, "outcome.coding.0.code"), ==, "recovering");
  g_assert_cmpstr (path_string (ae, "suspectEntity.0.instance.identifier.value"), ==, urn);
  g_assert_cmpstr (path_string (ae, "recorder.reference"), ==, "Practitioner/prac-n1001");

  site = queued_for (w, ((MarAuditEntry *) g_ptr_array_index (entries, entries->len - 1))->uuid);
  obs = last_queued (site);
  g_assert_cmpstr (path_string (obs, "resourceType"), ==, "Observation");
  g_assert_cmpstr (path_string (obs, "status"), ==, "final");
  g_assert_cmpstr (path_string (obs, "partOf.0.identifier.value"), ==, urn);
  g_assert_cmpstr (path_string (obs, "bodySite.text"), ==, "left forearm");
  g_assert_cmpstr (path_string (obs, "valueCodeableConcept.text"), ==, "No complication");
}

static void
test_outbox_not_done (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarScanResult) patient = rw_scan (w, "74121248", FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(MarInfusion) bag = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarNotDoneRequest request = { .patient_scan = patient, .order_id = "mr-4w-10-meropenem" };
  JsonObject *ma;

  bag = mar_record_document_not_done (w->record, &context, MAR_INFUSION_ACTION_REFUSE, 0,
                                      "patient-declined", NULL, &request, &error);
  g_assert_no_error (error);
  queued = queued_for (w, bag->uuid);
  ma = last_queued (queued);
  g_assert_cmpstr (path_string (ma, "status"), ==, "not-done");
  g_assert_cmpstr (path_string (ma, "statusReason.0.coding.0.code"), ==, "patient-declined");
  g_assert_nonnull (path_string (ma, "effectiveDateTime"));
  g_assert_cmpstr (path_string (ma, "medicationCodeableConcept.text"), ==, "meropenem");
}

/* A bag prepared at the bedside and started later: its record still says
 * what the bag is (the description is in the preparing entry). */
static void
test_outbox_prepared_then_started (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, RW_NACL_S01, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarInfusion) prepared = NULL;
  g_autoptr(MarInfusion) started = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  JsonObject *ma;

  prepared = mar_record_prepare (w->record, &context, patient, product, NULL, NULL, &error);
  g_assert_no_error (error);
  queued = queued_for (w, prepared->uuid);
  g_assert_cmpuint (queued->len, ==, 0);  /* nothing charted yet */
  g_ptr_array_unref (queued);

  started = rw_start_nacl (w, RW_NACL_S01, 5, 75);
  queued = queued_for (w, prepared->uuid);
  g_assert_cmpuint (queued->len, ==, 1);
  ma = last_queued (queued);
  g_assert_cmpstr (path_string (ma, "contained.0.code.text"), ==, "0.9% Sodium Chloride Injection USP 1000 mL bag");
  g_assert_cmpstr (path_string (ma, "contained.0.code.coding.0.code"), ==, "00614141100101");
  g_assert_cmpstr (path_string (ma, "status"), ==, "in-progress");
}

/* Nothing is queued for an action that was refused. */
static void
test_outbox_nothing_when_refused (void)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, RW_HEPARIN_S02, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(GPtrArray) before = mar_outbox_list (w->store, -1, NULL);
  g_autoptr(GPtrArray) after = NULL;
  MarRecordContext context = rw_context (w, 0, w->nurse, NULL);
  MarStartRequest request = { .patient_scan = patient, .product_scan = product, .rate_ml_per_h = 12.96 };

  g_assert_null (mar_record_start (w->record, &context, &request, &check, &error));
  g_assert_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED);
  after = mar_outbox_list (w->store, -1, NULL);
  g_assert_cmpuint (after->len, ==, before->len);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/record/reaction/severe-stops", test_reaction_severe_stops);
  g_test_add_func ("/core/record/reaction/keep-running", test_reaction_keep_running);
  g_test_add_func ("/core/record/reaction/mild-and-invalid", test_reaction_mild_and_invalid);
  g_test_add_func ("/core/record/site-check/severe-stops", test_site_check);
  g_test_add_func ("/core/record/correction/rate-change", test_correct_rate_change);
  g_test_add_func ("/core/record/correction/order-and-whole-bag", test_correct_order_and_whole_bag);
  g_test_add_func ("/core/record/correction/who", test_correct_who);
  g_test_add_func ("/core/record/outbox/start-and-complete", test_outbox_start_and_complete);
  g_test_add_func ("/core/record/outbox/segment", test_outbox_segment);
  g_test_add_func ("/core/record/outbox/reaction-and-site-check", test_outbox_reaction_and_site_check);
  g_test_add_func ("/core/record/outbox/not-done", test_outbox_not_done);
  g_test_add_func ("/core/record/outbox/prepared-then-started", test_outbox_prepared_then_started);
  g_test_add_func ("/core/record/outbox/nothing-when-refused", test_outbox_nothing_when_refused);

  return g_test_run ();
}
