/* mar-terminal.c — this bedside terminal: its configuration, cache and record
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-terminal"

#include "config.h"

#include "mar-terminal.h"

#include <glib/gi18n.h>

struct _MarTerminal
{
  GObject         parent_instance;

  MarConfig      *config;
  MarStore       *store;
  MarDrugLibrary *library;
  MarVerifier    *verifier;
  MarRecord      *record;
  GTimeZone      *time_zone;
  char           *unit_id;
  char           *unit_name;
  char           *demo_labels;
};

G_DEFINE_FINAL_TYPE (MarTerminal, mar_terminal, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (MarSignature, mar_signature, mar_signature_ref, mar_signature_unref)

static void
mar_terminal_finalize (GObject *object)
{
  MarTerminal *self = (MarTerminal *) object;

  g_clear_object (&self->record);
  g_clear_object (&self->verifier);
  g_clear_object (&self->store);
  g_clear_pointer (&self->library, mar_drug_library_unref);
  g_clear_pointer (&self->config, mar_config_unref);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);
  g_clear_pointer (&self->unit_id, g_free);
  g_clear_pointer (&self->unit_name, g_free);
  g_clear_pointer (&self->demo_labels, g_free);

  G_OBJECT_CLASS (mar_terminal_parent_class)->finalize (object);
}

static void
mar_terminal_class_init (MarTerminalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mar_terminal_finalize;
}

static void
mar_terminal_init (MarTerminal *self)
{
}

MarTerminal *
mar_terminal_open (const char  *config_path,
                   const char  *db_path,
                   GError     **error)
{
  g_autoptr(MarTerminal) self = g_object_new (MAR_TYPE_TERMINAL, NULL);
  g_autofree char *path = NULL;
  MarScanOptions scan_options = { 0 };

  self->config = mar_config_load (config_path, error);
  if (self->config == NULL)
    return NULL;

  path = mar_config_dup_database_path (self->config, db_path);
  self->store = mar_store_open (path, MAR_STORE_OPEN_MUST_EXIST, error);
  if (self->store == NULL)
    return NULL;

  self->library = mar_drug_library_load_installed (self->store, error);
  if (self->library == NULL)
    return NULL;

  self->time_zone = mar_config_dup_time_zone (self->config);
  mar_config_get_scan_options (self->config, &scan_options);
  self->verifier = mar_verifier_new (self->store, self->library, self->time_zone, &scan_options);
  self->record = mar_record_new (self->verifier, error);
  if (self->record == NULL)
    return NULL;

  self->unit_id = mar_config_dup_string (self->config, "unit", "location");
  if (self->unit_id != NULL)
    {
      g_autoptr(MarLocation) unit = mar_store_get_location (self->store, self->unit_id, NULL);

      if (unit != NULL)
        self->unit_name = g_strdup (unit->name);
    }
  self->demo_labels = mar_config_dup_string (self->config, "demo", "labels");

  return g_steal_pointer (&self);
}

MarConfig *
mar_terminal_get_config (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->config;
}

MarStore *
mar_terminal_get_store (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->store;
}

MarVerifier *
mar_terminal_get_verifier (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->verifier;
}

MarRecord *
mar_terminal_get_record (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->record;
}

GTimeZone *
mar_terminal_get_time_zone (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->time_zone;
}

const char *
mar_terminal_get_unit_id (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->unit_id;
}

const char *
mar_terminal_get_unit_name (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->unit_name;
}

const char *
mar_terminal_get_demo_labels (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);
  return self->demo_labels;
}

gint64
mar_terminal_get_now (MarTerminal *self)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), 0);
  return g_get_real_time () / G_USEC_PER_SEC;
}

MarSignature *
mar_terminal_sign_in (MarTerminal  *self,
                      const char   *badge,
                      const char   *pin,
                      GError      **error)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), NULL);

  return mar_staff_sign_in (self->store, badge, pin, mar_terminal_get_now (self), error);
}

gboolean
mar_terminal_read_sync_status (MarTerminal    *self,
                               MarSyncStatus  *status,
                               GError        **error)
{
  g_return_val_if_fail (MAR_IS_TERMINAL (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  *status = (MarSyncStatus) { .last_sync = MAR_TIME_UNSET };
  if (!mar_store_get_last_sync (self->store, &status->last_sync, error) ||
      !mar_outbox_get_counts (self->store, &status->outbox, error))
    return FALSE;

  /* RULES.md CACHE_STALE: the same limit the verifier warns at. */
  status->stale_limit = mar_drug_library_get_cache_stale_limit (self->library);
  status->stale = status->last_sync == MAR_TIME_UNSET ||
                  mar_terminal_get_now (self) - status->last_sync > status->stale_limit;
  return TRUE;
}
