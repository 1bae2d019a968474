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
-- Name: account_settings; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.account_settings (
    id integer NOT NULL,
    deletion_protection_enabled boolean NOT NULL,
    protection_period_in_minutes integer NOT NULL,
    CONSTRAINT account_settings_id_check CHECK ((id = 1))
);


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
-- Name: audit_log; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.audit_log (
    seq bigint NOT NULL,
    at bigint NOT NULL,
    request_id text NOT NULL COLLATE pg_catalog."C",
    access_key_id text NOT NULL COLLATE pg_catalog."C",
    key_name text NOT NULL COLLATE pg_catalog."C",
    operation text NOT NULL COLLATE pg_catalog."C",
    resource text NOT NULL COLLATE pg_catalog."C",
    status bigint NOT NULL,
    error_code text NOT NULL COLLATE pg_catalog."C",
    message text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: audit_log_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.audit_log ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.audit_log_seq_seq
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
    latest_version_number bigint DEFAULT 0 NOT NULL,
    last_polled_at bigint
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
    occurred_at bigint,
    action_invocations text DEFAULT '[]'::text NOT NULL COLLATE pg_catalog."C"
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
    time_scale double precision NOT NULL,
    applied_extensions text DEFAULT '[]'::text NOT NULL COLLATE pg_catalog."C"
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
    created_at bigint,
    last_polled_at bigint
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
-- Name: extension_associations; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.extension_associations (
    seq bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    extension_id text NOT NULL COLLATE pg_catalog."C",
    extension_version_number bigint NOT NULL,
    application_id text NOT NULL COLLATE pg_catalog."C",
    environment_id text COLLATE pg_catalog."C",
    configuration_profile_id text COLLATE pg_catalog."C",
    resource_arn text NOT NULL COLLATE pg_catalog."C",
    parameters text NOT NULL COLLATE pg_catalog."C",
    created_at bigint
);


--
-- Name: extension_associations_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.extension_associations ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.extension_associations_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: extensions; Type: TABLE; Schema: __SCHEMA__; Owner: -
--

CREATE TABLE __SCHEMA__.extensions (
    seq bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    version_number bigint NOT NULL,
    name text NOT NULL COLLATE pg_catalog."C",
    description text NOT NULL COLLATE pg_catalog."C",
    actions text NOT NULL COLLATE pg_catalog."C",
    parameters text NOT NULL COLLATE pg_catalog."C",
    created_at bigint
);


--
-- Name: extensions_seq_seq; Type: SEQUENCE; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE __SCHEMA__.extensions ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __SCHEMA__.extensions_seq_seq
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
    created_at bigint,
    deleted_at bigint
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
-- Data for Name: account_settings; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: alarms; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: applications; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.applications OVERRIDING SYSTEM VALUE VALUES (1, 'wnzks4w', 'upgraded', '', 1796400754838000000);


--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (1, 1796400754858000000, '53f39e73-d4b9-411f-8486-d5485a487fd0', 'AKIDUPGRADEFIXTURE', 'env-admin', 'CreateApplication', '/applications', 201, '', '');
INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (2, 1796400755818000000, '3db7d31c-fa37-4767-a574-786deffc871f', 'AKIDUPGRADEFIXTURE', 'env-admin', 'CreateEnvironment', '/applications/wnzks4w/environments', 201, '', '');
INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (3, 1796400756777000000, '4cdb153b-0e50-4960-aac8-209092d49a23', 'AKIDUPGRADEFIXTURE', 'env-admin', 'CreateConfigurationProfile', '/applications/wnzks4w/configurationprofiles', 201, '', '');
INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (4, 1796400757996000000, 'd3d81f6f-c16d-45e5-ad39-f67572ba805f', 'AKIDUPGRADEFIXTURE', 'env-admin', 'CreateHostedConfigurationVersion', '/applications/wnzks4w/configurationprofiles/u6d7htj/hostedconfigurationversions', 201, '', '');
INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (5, 1796400758974000000, '61d87016-75ba-4541-984c-641c943e402d', 'AKIDUPGRADEFIXTURE', 'env-admin', 'CreateDeploymentStrategy', '/deploymentstrategies', 201, '', '');
INSERT INTO __SCHEMA__.audit_log OVERRIDING SYSTEM VALUE VALUES (6, 1796400759951000000, 'fcfe5862-41de-4b4f-b13c-329bd63f8e27', 'AKIDUPGRADEFIXTURE', 'env-admin', 'StartDeployment', '/applications/wnzks4w/environments/yz6g32n/deployments', 201, '', '');


--
-- Data for Name: configuration_profiles; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.configuration_profiles OVERRIDING SYSTEM VALUE VALUES (1, 'wnzks4w', 'u6d7htj', 'settings', '', 'hosted', '', '', '', '[]', 1796400756771000000, 1, 1796400762000000000);


--
-- Data for Name: deployment_events; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployment_events VALUES ('wnzks4w', 'yz6g32n', 1, 0, 'DEPLOYMENT_STARTED', 'USER', 'Deployment started', 1796400759935000000, '[]');
INSERT INTO __SCHEMA__.deployment_events VALUES ('wnzks4w', 'yz6g32n', 1, 1, 'PERCENTAGE_UPDATED', 'APPCONFIG', 'Configuration available to 100.00% of clients', 1796400759935000000, '[]');
INSERT INTO __SCHEMA__.deployment_events VALUES ('wnzks4w', 'yz6g32n', 1, 2, 'BAKE_TIME_STARTED', 'APPCONFIG', 'Deployment bake time started', 1796400759935000000, '[]');
INSERT INTO __SCHEMA__.deployment_events VALUES ('wnzks4w', 'yz6g32n', 1, 3, 'DEPLOYMENT_COMPLETED', 'APPCONFIG', 'Deployment completed', 1796400759935000000, '[]');


--
-- Data for Name: deployment_strategies; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (1, 'AppConfig.AllAtOnce', 'AppConfig.AllAtOnce', 'Quick', 0, 'LINEAR', 100, 10, 'NONE', true, 1796400752840000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (2, 'AppConfig.Linear50PercentEvery30Seconds', 'AppConfig.Linear50PercentEvery30Seconds', 'Test/Demo', 1, 'LINEAR', 50, 1, 'NONE', true, 1796400752844000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (3, 'AppConfig.Canary10Percent20Minutes', 'AppConfig.Canary10Percent20Minutes', 'AWS Recommended', 20, 'EXPONENTIAL', 10, 10, 'NONE', true, 1796400752845000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (4, 'AppConfig.Linear20PercentEvery6Minutes', 'AppConfig.Linear20PercentEvery6Minutes', 'AWS Recommended', 30, 'LINEAR', 20, 30, 'NONE', true, 1796400752845000000);
INSERT INTO __SCHEMA__.deployment_strategies OVERRIDING SYSTEM VALUE VALUES (5, '2btua1h', 'upgrade-quick', '', 0, 'LINEAR', 100, 0, 'NONE', false, 1796400758968000000);


--
-- Data for Name: deployments; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.deployments VALUES ('wnzks4w', 'yz6g32n', 1, '2btua1h', 'u6d7htj', 'settings', 'hosted', 1, '', '', 0, 'LINEAR', 100, 0, '', 'COMPLETE', 100, 1796400759935000000, 1796400759935000000, 1, '[]');


--
-- Data for Name: environments; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.environments OVERRIDING SYSTEM VALUE VALUES (1, 'wnzks4w', 'yz6g32n', 'prod', '', '[]', 1796400755808000000, 1796400762000000000);


--
-- Data for Name: extension_associations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: extensions; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Data for Name: hosted_configuration_versions; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.hosted_configuration_versions VALUES ('wnzks4w', 'u6d7htj', 1, '', 'application/json', '', '\x7b226d6164652d62792d736368656d61223a387d', 1796400757993000000, NULL);


--
-- Data for Name: leases; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.leases VALUES ('deployment-engine', 'appconfigd-k5y94f2', 1796400762842000000);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.schema_migrations VALUES (1, '0001_init.sql', 1796400752723981121);
INSERT INTO __SCHEMA__.schema_migrations VALUES (2, '0002_alarms.sql', 1796400752732901248);
INSERT INTO __SCHEMA__.schema_migrations VALUES (3, '0003_leases.sql', 1796400752740450229);
INSERT INTO __SCHEMA__.schema_migrations VALUES (4, '0004_audit.sql', 1796400752747604236);
INSERT INTO __SCHEMA__.schema_migrations VALUES (5, '0005_deleted_versions.sql', 1796400752753519700);
INSERT INTO __SCHEMA__.schema_migrations VALUES (6, '0006_extensions.sql', 1796400752827601389);
INSERT INTO __SCHEMA__.schema_migrations VALUES (7, '0007_deletion_protection.sql', 1796400752831920259);
INSERT INTO __SCHEMA__.schema_migrations VALUES (8, '0008_action_invocations.sql', 1796400752837865249);


--
-- Data for Name: sealing_keys; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--

INSERT INTO __SCHEMA__.sealing_keys VALUES (1, '\xd2d6c434042b7d96a41a3a74cf1cd87613277917903909e068986898e3fb420a', 1796400752846000000);


--
-- Data for Name: tags; Type: TABLE DATA; Schema: __SCHEMA__; Owner: -
--



--
-- Name: applications_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.applications_seq_seq', 1, true);


--
-- Name: audit_log_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.audit_log_seq_seq', 6, true);


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
-- Name: extension_associations_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.extension_associations_seq_seq', 1, false);


--
-- Name: extensions_seq_seq; Type: SEQUENCE SET; Schema: __SCHEMA__; Owner: -
--

SELECT pg_catalog.setval('__SCHEMA__.extensions_seq_seq', 1, false);


--
-- Name: account_settings account_settings_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.account_settings
    ADD CONSTRAINT account_settings_pkey PRIMARY KEY (id);


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
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (seq);


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
-- Name: extension_associations extension_associations_id_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extension_associations
    ADD CONSTRAINT extension_associations_id_key UNIQUE (id);


--
-- Name: extension_associations extension_associations_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extension_associations
    ADD CONSTRAINT extension_associations_pkey PRIMARY KEY (seq);


--
-- Name: extensions extensions_id_version_number_key; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extensions
    ADD CONSTRAINT extensions_id_version_number_key UNIQUE (id, version_number);


--
-- Name: extensions extensions_pkey; Type: CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extensions
    ADD CONSTRAINT extensions_pkey PRIMARY KEY (seq);


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
-- Name: audit_log_at; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX audit_log_at ON __SCHEMA__.audit_log USING btree (at);


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
-- Name: extension_associations_application; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX extension_associations_application ON __SCHEMA__.extension_associations USING btree (application_id);


--
-- Name: extension_associations_extension; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX extension_associations_extension ON __SCHEMA__.extension_associations USING btree (extension_id, extension_version_number);


--
-- Name: extensions_name; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX extensions_name ON __SCHEMA__.extensions USING btree (name);


--
-- Name: hosted_configuration_versions_deleted; Type: INDEX; Schema: __SCHEMA__; Owner: -
--

CREATE INDEX hosted_configuration_versions_deleted ON __SCHEMA__.hosted_configuration_versions USING btree (application_id, configuration_profile_id, version_number) WHERE (deleted_at IS NOT NULL);


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
-- Name: extension_associations extension_associations_application_id_configuration_profil_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extension_associations
    ADD CONSTRAINT extension_associations_application_id_configuration_profil_fkey FOREIGN KEY (application_id, configuration_profile_id) REFERENCES __SCHEMA__.configuration_profiles(application_id, id) ON DELETE CASCADE;


--
-- Name: extension_associations extension_associations_application_id_environment_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extension_associations
    ADD CONSTRAINT extension_associations_application_id_environment_id_fkey FOREIGN KEY (application_id, environment_id) REFERENCES __SCHEMA__.environments(application_id, id) ON DELETE CASCADE;


--
-- Name: extension_associations extension_associations_application_id_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.extension_associations
    ADD CONSTRAINT extension_associations_application_id_fkey FOREIGN KEY (application_id) REFERENCES __SCHEMA__.applications(id) ON DELETE CASCADE;


--
-- Name: hosted_configuration_versions hosted_configuration_versions_application_id_configuration_fkey; Type: FK CONSTRAINT; Schema: __SCHEMA__; Owner: -
--

ALTER TABLE ONLY __SCHEMA__.hosted_configuration_versions
    ADD CONSTRAINT hosted_configuration_versions_application_id_configuration_fkey FOREIGN KEY (application_id, configuration_profile_id) REFERENCES __SCHEMA__.configuration_profiles(application_id, id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


