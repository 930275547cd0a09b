/* mar-record-private.h — what mar-record.c and mar-record-fhir.c share
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-audit.h"
#include "mar-infusion.h"
#include "mar-store.h"

G_BEGIN_DECLS

/* Entry kinds (docs/record.md, Entry kinds). */
#define MAR_ENTRY_BAG_PREPARED     "bag-prepared"
#define MAR_ENTRY_STARTED          "infusion-started"
#define MAR_ENTRY_RATE_CHANGED     "rate-changed"
#define MAR_ENTRY_PAUSED           "paused"
#define MAR_ENTRY_RESUMED          "resumed"
#define MAR_ENTRY_BOLUS            "bolus-given"
#define MAR_ENTRY_STOPPED          "stopped"
#define MAR_ENTRY_COMPLETED        "completed"
#define MAR_ENTRY_HELD             "held"
#define MAR_ENTRY_REFUSED          "refused"
#define MAR_ENTRY_MISSING          "missing"
#define MAR_ENTRY_NOT_GIVEN        "not-given"
#define MAR_ENTRY_REACTION         "reaction"
#define MAR_ENTRY_SITE_CHECK       "site-check"
#define MAR_ENTRY_CORRECTION       "correction"

/* One entry of a bag with its parsed payload, and whether a correction
 * marked it entered in error. */
typedef struct
{
  MarAuditEntry *entry;
  JsonNode      *payload;
  gboolean       corrected;
} MarRecordEntry;

void        mar_record_entry_free        (MarRecordEntry *entry);

/* A FHIR resource the record writes for a bag. */
typedef struct
{
  char     *uuid;
  char     *resource_type;
  char     *depends_on;   /* the bag's MedicationAdministration, for what points at it */
  JsonNode *json;
} MarRecordResource;

void        mar_record_resource_free     (MarRecordResource *resource);

/* The resources a bag's record stands for now (FHIR-PROFILE.md, Written):
 * the bag's MedicationAdministration, one per rate change (partOf the
 * bag's), one per bolus, an AdverseEvent per reaction, an Observation per
 * site check. Entries marked entered in error are left out (the caller
 * turns what was queued for them into entered-in-error updates).
 * (element-type MarRecordResource) */
GPtrArray  *mar_record_build_resources   (MarStore           *store,
                                          const MarInfusion  *infusion,
                                          GPtrArray          *entries,
                                          const char         *terminal_id,
                                          GError            **error);

/* A resource as queued before, marked entered in error: status for a
 * MedicationAdministration or an Observation; R4's AdverseEvent has no
 * status, so a meta.tag says it. (transfer full) */
JsonNode   *mar_record_mark_entered_in_error (JsonNode        *resource);

/* The logical reference to one of our resources before the server has
 * given it an id: by its identifier (sync may turn it into a literal one
 * once the target is pushed). */
JsonNode   *mar_record_identifier_reference (const char       *resource_type,
                                             const char       *uuid);

/* Payload accessors (NULL, 0 or FALSE when absent or null). */
const char *mar_payload_get_string       (JsonObject   *payload,
                                          const char   *name);
double      mar_payload_get_double       (JsonObject   *payload,
                                          const char   *name);
gint64      mar_payload_get_int          (JsonObject   *payload,
                                          const char   *name);
gboolean    mar_payload_get_bool         (JsonObject   *payload,
                                          const char   *name);
JsonObject *mar_payload_get_object       (JsonObject   *payload,
                                          const char   *name);
JsonArray  *mar_payload_get_array        (JsonObject   *payload,
                                          const char   *name);

G_END_DECLS
