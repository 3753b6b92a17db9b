// End-to-end tests wait for real controllers and the scheduler on a 2-core machine.
jest.setTimeout(300_000);
