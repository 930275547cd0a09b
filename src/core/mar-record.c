/* mar-record.c — the administration record: its object, checks and actions
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What every action shares: who acts and when (RULES.md, The record: never
 * in the future; late documentation flagged), the check a nurse is shown
 * (findings, overrides), the write transaction, the entries appended to the
 * chain and the commit that moves the head file. The actions themselves
 * are in mar-record-start.c, mar-record-actions.c and mar-record-events.c;
 * the projection in mar-record-replay.c; the outbox in mar-record-queue.c.
 */

#define G_LOG_DOMAIN "mar-record"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "mar-audit-private.h"
#include "mar-outbox.h"
#include "mar-record-private.h"
#include "mar-store-private.h"
#include "mar-time.h"

G_DEFINE_QUARK (mar-record-error-quark, mar_record_error)

G_DEFINE_FINAL_TYPE (MarRecord, mar_record, G_TYPE_OBJECT)

static void
mar_record_finalize (GObject *object)
{
  MarRecord *self = MAR_RECORD (object);

  g_clear_object (&self->verifier);
  G_OBJECT_CLASS (mar_record_parent_class)->finalize (object);
}

static void
mar_record_class_init (MarRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mar_record_finalize;
}

static void
mar_record_init (MarRecord *self)
{
}

MarRecord *
mar_record_new (MarVerifier  *verifier,
                GError      **error)
{
  MarRecord *self;

  g_return_val_if_fail (MAR_IS_VERIFIER (verifier), NULL);

  if (mar_store_get_schema_version (mar_verifier_get_store (verifier)) < 3)
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_FAILED,
                           _("This database has no administration record yet: open it once with "
                             "write access so it is upgraded"));
      return NULL;
    }

  self = g_object_new (MAR_TYPE_RECORD, NULL);
  self->verifier = g_object_ref (verifier);
  /* Borrowed: the verifier keeps them for as long as we keep it. */
  self->store = mar_verifier_get_store (verifier);
  self->time_zone = mar_verifier_get_time_zone (verifier);
  self->library = mar_verifier_get_library (verifier);
  return self;
}

MarStore *
mar_record_get_store (MarRecord *self)
{
  g_return_val_if_fail (MAR_IS_RECORD (self), NULL);
  return self->store;
}

/* Checks ------------------------------------------------------------------ */

static void
check_item_free (MarCheckItem *item)
{
  g_free (item->code);
  g_free (item->message);
  g_free (item->override_reason);
  g_free (item->override_comment);
  g_free (item);
}

MarRecordCheck *
mar_record_check_new (void)
{
  MarRecordCheck *check = g_new0 (MarRecordCheck, 1);

  g_atomic_ref_count_init (&check->ref_count);
  check->items = g_ptr_array_new_with_free_func ((GDestroyNotify) check_item_free);
  check->missing = g_ptr_array_new ();
  return check;
}

MarRecordCheck *
mar_record_check_ref (MarRecordCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);
  g_atomic_ref_count_inc (&check->ref_count);
  return check;
}

void
mar_record_check_unref (MarRecordCheck *check)
{
  if (check == NULL || !g_atomic_ref_count_dec (&check->ref_count))
    return;
  g_ptr_array_unref (check->missing);
  g_ptr_array_unref (check->items);
  g_clear_pointer (&check->verification, mar_verification_unref);
  g_free (check);
}

MarCheckItem *
mar_record_check_add (MarRecordCheck *check,
                      const char     *code,
                      MarSeverity     severity,
                      MarRight        right,
                      const char     *message)
{
  MarCheckItem *item = g_new0 (MarCheckItem, 1);

  item->code = g_strdup (code);
  item->severity = severity;
  item->right = right;
  item->message = g_strdup (message);
  g_ptr_array_add (check->items, item);
  return item;
}

void
mar_record_check_add_verdict (MarRecordCheck   *check,
                              const MarVerdict *verdict)
{
  GPtrArray *findings = mar_verdict_get_findings (verdict);

  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *finding = g_ptr_array_index (findings, i);

      mar_record_check_add (check, mar_finding_get_code (finding), mar_finding_get_severity (finding),
                            mar_finding_get_right (finding), mar_finding_get_message (finding));
    }
}

static char *
list_reasons (const MarTerm *terms,
              guint          n_terms)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_terms; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", terms[i].code);
  return g_string_free (text, FALSE);
}

gboolean
mar_record_check_reason (MarVocabulary   vocabulary,
                         const char     *reason,
                         const char     *comment,
                         gboolean        optional,
                         GError        **error)
{
  const MarTerm *term;

  if (reason == NULL && optional)
    return TRUE;
  term = mar_vocabulary_lookup (vocabulary, reason);
  if (term == NULL)
    {
      guint n_terms;
      const MarTerm *terms = mar_vocabulary_get (vocabulary, &n_terms);
      g_autofree char *allowed = list_reasons (terms, n_terms);

      if (reason == NULL)
        g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                     _("A reason is needed (one of: %s)"), allowed);
      else
        g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                     _("“%s” is not on the list of reasons (one of: %s)"), reason, allowed);
      return FALSE;
    }
  if (mar_term_needs_comment (term) && (comment == NULL || *comment == '\0'))
    {
      g_set_error_literal (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                           _("The reason “other” needs a comment that explains it"));
      return FALSE;
    }
  return TRUE;
}

gboolean
mar_record_check_apply_overrides (MarRecordCheck          *check,
                                  const MarRecordContext  *context,
                                  GError                 **error)
{
  /* Every reason given must be on its warning's list, even one for a
   * warning that did not come up: a typing mistake is said at once. */
  for (guint i = 0; i < context->n_overrides; i++)
    {
      const MarOverride *o = &context->overrides[i];

      if (mar_vocabulary_lookup_override (o->code, o->reason) == NULL)
        {
          guint n_terms;
          const MarTerm *terms = mar_vocabulary_override_reasons (o->code, &n_terms);
          g_autofree char *allowed = list_reasons (terms, n_terms);

          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                       _("“%s” is not a reason to go on despite %s (one of: %s)"),
                       o->reason != NULL ? o->reason : "", o->code != NULL ? o->code : "?", allowed);
          return FALSE;
        }
      if (g_str_equal (o->reason, "other") && (o->comment == NULL || *o->comment == '\0'))
        {
          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_INVALID,
                       _("The reason “other” for %s needs a comment that explains it"), o->code);
          return FALSE;
        }
    }

  for (guint i = 0; i < check->items->len; i++)
    {
      MarCheckItem *item = g_ptr_array_index (check->items, i);
      const MarOverride *given = NULL;

      /* RULES.md: a block never goes on, whatever reason is given. */
      if (item->severity != MAR_SEVERITY_WARN || item->override_reason != NULL)
        continue;
      for (guint j = 0; j < context->n_overrides && given == NULL; j++)
        if (g_strcmp0 (context->overrides[j].code, item->code) == 0)
          given = &context->overrides[j];
      if (given == NULL)
        {
          g_ptr_array_add (check->missing, item);
          continue;
        }
      item->override_reason = g_strdup (given->reason);
      item->override_comment = g_strdup (given->comment);
    }
  return TRUE;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const MarCheckItem *x = *(const MarCheckItem * const *) a;
  const MarCheckItem *y = *(const MarCheckItem * const *) b;

  return (int) y->severity - (int) x->severity;
}

gboolean
mar_record_check_settle (MarRecordCheck  *check,
                         GError         **error)
{
  /* Stable (GLib's sort is a merge sort): the engine's own order stays
   * within a severity. */
  g_ptr_array_sort (check->items, compare_items);

  for (guint i = 0; i < check->items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (check->items, i);

      if (item->severity == MAR_SEVERITY_BLOCK)
        {
          g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED,
                       _("Stop: %s (%s)"), item->message, item->code);
          return FALSE;
        }
    }
  if (check->missing->len > 0)
    {
      GString *codes = g_string_new (NULL);

      for (guint i = 0; i < check->missing->len; i++)
        g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "",
                                ((MarCheckItem *) g_ptr_array_index (check->missing, i))->code);
      g_set_error (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED,
                   _("Going on needs a reason from the list for: %s"), codes->str);
      g_string_free (codes, TRUE);
      return FALSE;
    }
  return TRUE;
}

MarVerdictKind
mar_record_check_get_kind (const MarRecordCheck *check)
{
  MarVerdictKind kind = MAR_VERDICT_PASS;

  g_return_val_if_fail (check != NULL, MAR_VERDICT_BLOCK);

  for (guint i = 0; i < check->items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (check->items, i);

      if (item->severity == MAR_SEVERITY_BLOCK)
        return MAR_VERDICT_BLOCK;
      if (item->severity == MAR_SEVERITY_WARN)
        kind = MAR_VERDICT_WARN;
    }
  return kind;
}

GPtrArray *
mar_record_check_get_items (const MarRecordCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);
  return check->items;
}

gboolean
mar_record_check_has_code (const MarRecordCheck *check,
                           const char           *code)
{
  g_return_val_if_fail (check != NULL, FALSE);

  for (guint i = 0; i < check->items->len; i++)
    if (g_strcmp0 (((const MarCheckItem *) g_ptr_array_index (check->items, i))->code, code) == 0)
      return TRUE;
  return FALSE;
}

GPtrArray *
mar_record_check_get_missing_overrides (const MarRecordCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);
  return check->missing->len > 0 ? check->missing : NULL;
}

MarVerification *
mar_record_check_get_verification (const MarRecordCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);
  return check->verification;
}

gint64
mar_record_check_get_open_infusion (const MarRecordCheck *check)
{
  g_return_val_if_fail (check != NULL, 0);
  return check->open_infusion;
}

JsonNode *
mar_record_check_to_json (const MarRecordCheck *check,
                          GTimeZone            *time_zone)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (check != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, mar_verdict_kind_to_string (mar_record_check_get_kind (check)));
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < check->items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (check->items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, item->code);
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, mar_severity_to_string (item->severity));
      json_builder_set_member_name (builder, "right");
      json_builder_add_string_value (builder, mar_right_to_string (item->right));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, item->message);
      if (item->override_reason != NULL)
        {
          json_builder_set_member_name (builder, "override");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, item->override_reason);
          if (item->override_comment != NULL)
            {
              json_builder_set_member_name (builder, "comment");
              json_builder_add_string_value (builder, item->override_comment);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "missing_overrides");
  json_builder_begin_array (builder);
  for (guint i = 0; i < check->missing->len; i++)
    json_builder_add_string_value (builder, ((MarCheckItem *) g_ptr_array_index (check->missing, i))->code);
  json_builder_end_array (builder);
  if (check->open_infusion != 0)
    {
      json_builder_set_member_name (builder, "open_infusion");
      json_builder_add_int_value (builder, check->open_infusion);
    }
  if (check->verification != NULL)
    {
      json_builder_set_member_name (builder, "verification");
      json_builder_add_value (builder, mar_verification_to_json (check->verification, time_zone));
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
