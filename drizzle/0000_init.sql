CREATE TABLE "level_event_days" (
	"game_id" text NOT NULL,
	"date" date NOT NULL,
	"event_count" bigint NOT NULL,
	"last_received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "level_event_days_game_id_date_pk" PRIMARY KEY("game_id","date")
);
--> statement-breakpoint
CREATE TABLE "level_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "level_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"game_id" text NOT NULL,
	"event_id" text,
	"user_id" text NOT NULL,
	"session_id" text NOT NULL,
	"event_name" text NOT NULL,
	"level_id" integer NOT NULL,
	"properties" jsonb NOT NULL,
	"booster_used" boolean NOT NULL,
	"egp" double precision,
	"duration_ms" bigint,
	"platform" text NOT NULL,
	"country_code" text NOT NULL,
	"app_version" text NOT NULL,
	"level_funnel" text NOT NULL,
	"level_funnel_version" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "level_events_event_name_check" CHECK (event_name in ('level_start', 'level_complete', 'level_failed'))
);
--> statement-breakpoint
CREATE TABLE "level_metrics_aggregations" (
	"game_id" text NOT NULL,
	"date" date NOT NULL,
	"aggregated_at" timestamp with time zone NOT NULL,
	"source_events" bigint NOT NULL,
	"max_event_id" bigint NOT NULL,
	"sql_version" integer NOT NULL,
	"metric_rows" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	CONSTRAINT "level_metrics_aggregations_game_id_date_pk" PRIMARY KEY("game_id","date")
);
--> statement-breakpoint
CREATE TABLE "level_metrics_daily" (
	"game_id" text NOT NULL,
	"date" date NOT NULL,
	"level_id" integer NOT NULL,
	"level_funnel" text NOT NULL,
	"level_funnel_version" integer NOT NULL,
	"platform" text NOT NULL,
	"country_code" text NOT NULL,
	"app_version" text NOT NULL,
	"starts" integer NOT NULL,
	"completes" integer NOT NULL,
	"fails" integer NOT NULL,
	"started_players" integer NOT NULL,
	"completed_players" integer NOT NULL,
	"booster_used" integer NOT NULL,
	"egp_used" integer NOT NULL,
	"total_completion_duration" bigint NOT NULL,
	"completion_count" integer NOT NULL,
	"total_fail_duration" bigint NOT NULL,
	"fail_count" integer NOT NULL,
	CONSTRAINT "level_metrics_daily_pkey" PRIMARY KEY("game_id","date","platform","country_code","app_version","level_funnel","level_funnel_version","level_id")
);
--> statement-breakpoint
CREATE TABLE "level_metrics_daily_by_level" (
	"game_id" text NOT NULL,
	"date" date NOT NULL,
	"level_id" integer NOT NULL,
	"starts" integer NOT NULL,
	"completes" integer NOT NULL,
	"fails" integer NOT NULL,
	"started_players" integer NOT NULL,
	"completed_players" integer NOT NULL,
	"booster_used" integer NOT NULL,
	"egp_used" integer NOT NULL,
	"total_completion_duration" bigint NOT NULL,
	"completion_count" integer NOT NULL,
	"total_fail_duration" bigint NOT NULL,
	"fail_count" integer NOT NULL,
	CONSTRAINT "level_metrics_daily_by_level_game_id_date_level_id_pk" PRIMARY KEY("game_id","date","level_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "level_events_game_event_id_key" ON "level_events" USING btree ("game_id","event_id") WHERE event_id is not null;--> statement-breakpoint
CREATE INDEX "level_events_game_created_idx" ON "level_events" USING btree ("game_id","created_at");--> statement-breakpoint
CREATE INDEX "level_events_game_user_level_created_idx" ON "level_events" USING btree ("game_id","user_id","level_id","created_at");--> statement-breakpoint
CREATE INDEX "level_metrics_daily_funnel_idx" ON "level_metrics_daily" USING btree ("game_id","level_funnel","level_funnel_version","date");