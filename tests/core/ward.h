/* ward.h — a small ward built in C for the engine tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One patient (p1, 70 kg weighed two days ago, "no known drug allergy"
 * recorded), another patient (p2), and whatever products, orders,
 * allergies and administrations a test adds, as the model structs the store
 * would return. The scan time is Thursday 2026-03-05 08:00 in
 * America/New_York unless a test moves it; the cache synced a minute ago.
 */

#pragma once

#include "mar-drug-library.h"
#include "mar-model.h"
#include "mar-verify.h"

G_BEGIN_DECLS

#define RX_SODIUM_CHLORIDE "9863"
#define RX_GLUCOSE         "4850"
#define RX_POTASSIUM       "8591"
#define RX_MAGNESIUM       "6585"
#define RX_HEPARIN         "5224"
#define RX_INSULIN         "253182"
#define RX_VANCOMYCIN      "11124"
#define RX_CEFAZOLIN       "2180"
#define RX_PIPERACILLIN    "8339"
#define RX_TAZOBACTAM      "37617"
#define RX_INFLIXIMAB      "191831"
#define RX_IVIG            "5657"
#define RX_HYDROMORPHONE   "3423"
#define RX_ACETAMINOPHEN   "161"
#define RX_ONDANSETRON     "26225"
#define RX_SOYBEAN_OIL     "9949"

#define SCT_IV             "47625008"
#define SCT_ORAL           "26643006"

typedef struct
{
  GTimeZone      *tz;
  MarDrugLibrary *library;
  gint64          now;
  MarPatient     *patient;
  MarPatient     *other_patient;
  GPtrArray      *products;         /* (MarProduct) owned */
  GPtrArray      *orders;           /* (MarOrder) owned */
  GPtrArray      *order_products;   /* (MarProduct) owned */
  GPtrArray      *allergies;        /* (MarAllergy) owned */
  GPtrArray      *administrations;  /* (MarAdministration) owned */
  GPtrArray      *bag_uses;         /* (MarAdministration) owned */
  GPtrArray      *dispenses;        /* (MarDispense) owned */
  gboolean        patient_known;    /* FALSE: the wristband matched nobody */
  gboolean        sync_relative;    /* TRUE: last sync a minute before the scan, wherever the test moves it */
  MarVerifyFacts  facts;            /* scans, sync state; the arrays are filled by ward_verify */
  /* Borrowed views handed to the engine. */
  GPtrArray      *view_orders;
  GPtrArray      *view_order_products;
  GPtrArray      *view_allergies;
  GPtrArray      *view_administrations;
  GPtrArray      *view_bag_uses;
} Ward;

Ward              *ward_new                 (void);
void               ward_free                (Ward              *ward);
gint64             ward_local               (Ward              *ward,
                                             int                year,
                                             int                month,
                                             int                day,
                                             int                hour,
                                             int                minute,
                                             int                second);
/* Today (2026-03-05) at hh:mm local. */
gint64             ward_today               (Ward              *ward,
                                             int                hour,
                                             int                minute);

/* A catalog product with a GTIN, a container volume (0: none given). */
MarProduct        *ward_add_product         (Ward              *ward,
                                             const char        *id,
                                             const char        *gtin,
                                             const char        *name,
                                             double             volume_ml);
/* An RxNorm ingredient with strength num num_unit / den den_unit (num 0:
 * no strength). */
MarIngredient     *product_add_ingredient   (GPtrArray         *ingredients,
                                             const char        *rxcui,
                                             const char        *display,
                                             double             num,
                                             const char        *num_unit,
                                             double             den,
                                             const char        *den_unit);

/* An active order of p1 for one RxNorm ingredient, intravenous, q12h from
 * 2026-03-04 08:00 (due 08:00 and 20:00, window ±60 min), authored the
 * evening before. */
MarOrder          *ward_add_order           (Ward              *ward,
                                             const char        *id,
                                             const char        *rxcui,
                                             const char        *display,
                                             double             dose,
                                             const char        *dose_unit);
void               order_set_interval       (MarOrder          *order,
                                             double             period,
                                             const char        *unit,
                                             int                frequency);
/* A continuous infusion: a rate, no repeat. */
void               order_set_continuous     (MarOrder          *order,
                                             double             rate,
                                             const char        *rate_unit);

MarAllergy        *ward_add_allergy         (Ward              *ward,
                                             const char        *system,
                                             const char        *code,
                                             const char        *display,
                                             const char        *criticality,
                                             const char        *category);
/* Removes p1's default "no known drug allergy" entry. */
void               ward_clear_allergies     (Ward              *ward);

MarAdministration *ward_add_administration  (Ward              *ward,
                                             const char        *order_id,
                                             const char        *status,
                                             gint64             start,
                                             gint64             due_time);

/* The product scan: a GS1 code of this product (serial optional). */
void               ward_scan_product        (Ward              *ward,
                                             MarProduct        *product,
                                             const char        *serial);
/* The product scan: a pharmacy bag label whose dispense names @order_id
 * for @patient_id, with @product as its contained Medication. */
MarDispense       *ward_scan_label          (Ward              *ward,
                                             const char        *label,
                                             MarProduct        *product,
                                             const char        *order_id,
                                             const char        *patient_id);

MarVerdict        *ward_verify              (Ward              *ward);

/* Everything the engine could have touched, as text (the purity test). */
char              *ward_fingerprint         (Ward              *ward);

void               assert_finding           (MarVerdict        *verdict,
                                             const char        *code,
                                             MarSeverity        severity);
void               assert_no_finding        (MarVerdict        *verdict,
                                             const char        *code);
const char        *finding_message          (MarVerdict        *verdict,
                                             const char        *code);
void               dump_verdict             (MarVerdict        *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ward, ward_free)

G_END_DECLS
