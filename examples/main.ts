/** Entry point for the cdk8s CLI (`cdk8s synth`, see cdk8s.yaml): the production cluster example. */
import { synth } from './production-cluster';

synth(process.env.CDK8S_OUTDIR ?? 'dist/cdk8s');
