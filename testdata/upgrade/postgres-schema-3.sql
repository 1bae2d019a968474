--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: __SCHEMA__; Type: SCHEMA; Schema: -; Owner: -
--



SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alarms; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.alarms (
    arn text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL COLLATE pg_catalog."C",
    reason text NOT NULL COLLATE pg_catalog."C",
    updated_at bigint
);


--
-- Name: applications; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.applications (
    seq bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    created_at bigint
);


--
-- Name: applications_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.applications ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.applications_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: configuration_profiles; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.configuration_profiles (
    seq bigint NOT NULL,
    application_id text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    location_uri text NOT NULL COLLATE pg_catalog."C",
    retrieval_role_arn text NOT NULL COLLATE pg_catalog."C",
    type text NOT NULL COLLATE pg_catalog."C",
    kms_key_identifier text NOT NULL COLLATE pg_catalog."C",
    validators text NOT NULL COLLATE pg_catalog."C",
    created_at bigint,
    latest_version_number bigint DEFAULT 0 NOT NULL
);


--
-- Name: configuration_profiles_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.configuration_profiles ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.configuration_profiles_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: deployment_events; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.deployment_events (
    application_id text NOT NULL COLLATE pg_catalog."C",
    environment_id text NOT NULL COLLATE pg_catalog."C",
    deployment_number bigint NOT NULL,
    "position" bigint NOT NULL,
    event_type text NOT NULL COLLATE pg_catalog."C",
    triggered_by text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    occurred_at bigint
);


--
-- Name: deployment_strategies; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.deployment_strategies (
    seq bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    deployment_duration_in_minutes bigint NOT NULL,
    growth_type text NOT NULL COLLATE pg_catalog."C",
    growth_factor double precision NOT NULL,
    final_bake_time_in_minutes bigint NOT NULL,
    replicate_to text NOT NULL COLLATE pg_catalog."C",
    predefined boolean NOT NULL,
    created_at bigint
);


--
-- Name: deployment_strategies_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.deployment_strategies ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.deployment_strategies_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: deployments; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.deployments (
    application_id text NOT NULL COLLATE pg_catalog."C",
    environment_id text NOT NULL COLLATE pg_catalog."C",
    deployment_number bigint NOT NULL,
    deployment_strategy_id text NOT NULL COLLATE pg_catalog."C",
    configuration_profile_id text NOT NULL COLLATE pg_catalog."C",
    configuration_name text NOT NULL COLLATE pg_catalog."C",
    configuration_location_uri text NOT NULL COLLATE pg_catalog."C",
    version_number bigint NOT NULL,
    version_label text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    deployment_duration_in_minutes bigint NOT NULL,
    growth_type text NOT NULL COLLATE pg_catalog."C",
    growth_factor double precision NOT NULL,
    final_bake_time_in_minutes bigint NOT NULL,
    kms_key_identifier text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL COLLATE pg_catalog."C",
    percentage_complete double precision NOT NULL,
    started_at bigint,
    completed_at bigint,
    time_scale double precision NOT NULL
);


--
-- Name: environments; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.environments (
    seq bigint NOT NULL,
    application_id text NOT NULL COLLATE pg_catalog."C",
    id text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    monitors text NOT NULL COLLATE pg_catalog."C",
    created_at bigint
);


--
-- Name: environments_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.environments ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.environments_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: hosted_configuration_versions; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.hosted_configuration_versions (
    application_id text NOT NULL COLLATE pg_catalog."C",
    configuration_profile_id text NOT NULL COLLATE pg_catalog."C",
    version_number bigint NOT NULL,
    description text NOT NULL COLLATE pg_catalog."C",
    content_type text NOT NULL COLLATE pg_catalog."C",
    version_label text NOT NULL COLLATE pg_catalog."C",
    content bytea NOT NULL,
    created_at bigint
);


--
-- Name: leases; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.leases (
    name text NOT NULL COLLATE pg_catalog."C",
    holder text NOT NULL COLLATE pg_catalog."C",
    expires_at bigint NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.schema_migrations (
    version bigint NOT NULL,
    name text NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: sealing_keys; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.sealing_keys (
    id bigint NOT NULL,
    secret bytea NOT NULL,
    created_at bigint
);


--
-- Name: tags; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.tags (
    arn text NOT NULL COLLATE pg_catalog."C",
    key text NOT NULL COLLATE pg_catalog."C",
    value text NOT NULL COLLATE pg_catalog."C"
);


--
-- Data for Name: alarms; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: applications; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.applications OVERRIDING SYSTEM VALUE VALUES (1, '9041zx0', 'upgraded', '', 1796400724759000000);


--
-- Data for Name: configuration_profiles; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.configuration_profiles OVERRIDING SYSTEM VALUE VALUES (1, '9041zx0', 'gkd4nb4', 'settings', '', 'hosted', '', '', '', '[]', 1796400727800000000, 1);


--
-- Data for Name: deployment_events; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployment_events VALUES ('9041zx0', 'mq2nzm0', 1, 0, 'DEPLOYMENT_STARTED', 'USER', 'Deployment started', 1796400734060000000);
INSERT INTO __SCHEMA__.deployment_events VALUES ('9041zx0', 'mq2nzm0', 1, 1, 'PERCENTAGE_UPDATED', 'APPCONFIG', 'Configuration available to 100.00% of clients', 1796400734060000000);
INSERT INTO __SCHEMA__.deployment_events VALUES ('9041zx0', 'mq2nzm0', 1, 2, 'BAKE_TIME_STARTED', 'APPCONFIG', 'Deployment bake time started', 1796400734060000000);
INSERT INTO __SCHEMA__.deployment_events VALUES ('9041zx0', 'mq2nzm0', 1, 3, 'DEPLOYMENT_COMPLETED', 'APPCONFIG', 'Deployment completed', 1796400734060000000);


--
-- Data for Name: deployment_strategies; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (1, 'AppConfig.AllAtOnce', 'AppConfig.AllAtOnce', 'Quick', 0, 'LINEAR', 100, 10, 'NONE', true, 1796400722679000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (2, 'AppConfig.Linear50PercentEvery30Seconds', 'AppConfig.Linear50PercentEvery30Seconds', 'Test/Demo', 1, 'LINEAR', 50, 1, 'NONE', true, 1796400722682000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (3, 'AppConfig.Canary10Percent20Minutes', 'AppConfig.Canary10Percent20Minutes', 'AWS Recommended', 20, 'EXPONENTIAL', 10, 10, 'NONE', true, 1796400722682000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (4, 'AppConfig.Linear20PercentEvery6Minutes', 'AppConfig.Linear20PercentEvery6Minutes', 'AWS Recommended', 30, 'LINEAR', 20, 30, 'NONE', true, 1796400722683000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (5, 'w6tu7zp', 'upgrade-quick', '', 0, 'LINEAR', 100, 0, 'NONE', false, 1796400732150000000);


--
-- Data for Name: deployments; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployments VALUES ('9041zx0', 'mq2nzm0', 1, 'w6tu7zp', 'gkd4nb4', 'settings', 'hosted', 1, '', '', 0, 'LINEAR', 100, 0, '', 'COMPLETE', 100, 1796400734060000000, 1796400734060000000, 1);


--
-- Data for Name: environments; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.environments OVERRIDING SYSTEM VALUE VALUES (1, '9041zx0', 'mq2nzm0', 'prod', '', '[]', 1796400726261000000);


--
-- Data for Name: hosted_configuration_versions; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.hosted_configuration_versions VALUES ('9041zx0', 'gkd4nb4', 1, '', 'application/json', '', '\x7b226d6164652d62792d736368656d61223a337d', 1796400730015000000);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.leases VALUES ('deployment-engine', 'appconfigd-6m60iwi', 1796400747699000000);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.schema_migrations VALUES (1, '0001_init.sql', 1796400722659855536);
INSERT INTO __SCHEMA__.schema_migrations VALUES (2, '0002_alarms.sql', 1796400722670844327);
INSERT INTO __SCHEMA__.schema_migrations VALUES (3, '0003_leases.sql', 1796400722675606292);


--
-- Data for Name: sealing_keys; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.sealing_keys VALUES (1, '\xe4b2d2b2682ff45fbb6ed62c70ac81527a150942c374da706ab4b411a2e19926', 1796400722685000000);


--
-- Data for Name: tags; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Name: applications_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.applications_seq_seq', 1, true);


--
-- Name: configuration_profiles_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.configuration_profiles_seq_seq', 1, true);


--
-- Name: deployment_strategies_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.deployment_strategies_seq_seq', 5, true);


--
-- Name: environments_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.environments_seq_seq', 1, true);


--
-- Name: alarms alarms_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.alarms
    ADD CONSTRAINT alarms_pkey PRIMARY KEY (arn);


--
-- Name: applications applications_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.applications
    ADD CONSTRAINT applications_id_key UNIQUE (id);


--
-- Name: applications applications_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.applications
    ADD CONSTRAINT applications_pkey PRIMARY KEY (seq);


--
-- Name: configuration_profiles configuration_profiles_application_id_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.configuration_profiles
    ADD CONSTRAINT configuration_profiles_application_id_id_key UNIQUE (application_id, id);


--
-- Name: configuration_profiles configuration_profiles_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.configuration_profiles
    ADD CONSTRAINT configuration_profiles_pkey PRIMARY KEY (seq);


--
-- Name: deployment_events deployment_events_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployment_events
    ADD CONSTRAINT deployment_events_pkey PRIMARY KEY (application_id, environment_id, deployment_number, "position");


--
-- Name: deployment_strategies deployment_strategies_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployment_strategies
    ADD CONSTRAINT deployment_strategies_id_key UNIQUE (id);


--
-- Name: deployment_strategies deployment_strategies_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployment_strategies
    ADD CONSTRAINT deployment_strategies_pkey PRIMARY KEY (seq);


--
-- Name: deployments deployments_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployments
    ADD CONSTRAINT deployments_pkey PRIMARY KEY (application_id, environment_id, deployment_number);


--
-- Name: environments environments_application_id_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.environments
    ADD CONSTRAINT environments_application_id_id_key UNIQUE (application_id, id);


--
-- Name: environments environments_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.environments
    ADD CONSTRAINT environments_pkey PRIMARY KEY (seq);


--
-- Name: hosted_configuration_versions hosted_configuration_versions_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.hosted_configuration_versions
    ADD CONSTRAINT hosted_configuration_versions_pkey PRIMARY KEY (application_id, configuration_profile_id, version_number);


--
-- Name: leases leases_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.leases
    ADD CONSTRAINT leases_pkey PRIMARY KEY (name);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: sealing_keys sealing_keys_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.sealing_keys
    ADD CONSTRAINT sealing_keys_pkey PRIMARY KEY (id);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (arn, key);


--
-- Name: applications_name; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX applications_name ON __SCHEMA__.applications USING btree (name);


--
-- Name: configuration_profiles_name; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX configuration_profiles_name ON __SCHEMA__.configuration_profiles USING btree (application_id, name);


--
-- Name: deployment_strategies_name; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX deployment_strategies_name ON __SCHEMA__.deployment_strategies USING btree (name);


--
-- Name: deployments_profile; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX deployments_profile ON __SCHEMA__.deployments USING btree (application_id, configuration_profile_id);


--
-- Name: deployments_state; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX deployments_state ON __SCHEMA__.deployments USING btree (state);


--
-- Name: environments_name; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX environments_name ON __SCHEMA__.environments USING btree (application_id, name);


--
-- Name: hosted_configuration_versions_label; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX hosted_configuration_versions_label ON __SCHEMA__.hosted_configuration_versions USING btree (application_id, configuration_profile_id, version_label, version_number);


--
-- Name: configuration_profiles configuration_profiles_application_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.configuration_profiles
    ADD CONSTRAINT configuration_profiles_application_id_fkey FOREIGN KEY (application_id) REFERENCES __SCHEMA__.applications(id) ON DELETE CASCADE;


--
-- Name: deployment_events deployment_events_application_id_environment_id_deployment_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployment_events
    ADD CONSTRAINT deployment_events_application_id_environment_id_deployment_fkey FOREIGN KEY (application_id, environment_id, deployment_number) REFERENCES __SCHEMA__.deployments(application_id, environment_id, deployment_number) ON DELETE CASCADE;


--
-- Name: deployments deployments_application_id_environment_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.deployments
    ADD CONSTRAINT deployments_application_id_environment_id_fkey FOREIGN KEY (application_id, environment_id) REFERENCES __SCHEMA__.environments(application_id, id) ON DELETE CASCADE;


--
-- Name: environments environments_application_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.environments
    ADD CONSTRAINT environments_application_id_fkey FOREIGN KEY (application_id) REFERENCES __SCHEMA__.applications(id) ON DELETE CASCADE;


--
-- Name: hosted_configuration_versions hosted_configuration_versions_application_id_configuration_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.hosted_configuration_versions
    ADD CONSTRAINT hosted_configuration_versions_application_id_configuration_fkey FOREIGN KEY (application_id, configuration_profile_id) REFERENCES __SCHEMA__.configuration_profiles(application_id, id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


