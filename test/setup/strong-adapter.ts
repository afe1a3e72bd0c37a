// Runs the adapter conformance suite as on a multi-Region strongly consistent table (see useAdapterFixture).
process.env.ADAPTER_CONSISTENCY = "strong";
