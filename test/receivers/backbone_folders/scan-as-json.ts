// Runs one scan and prints it as JSON: for tests that scan as another user.
import { scanBackboneRoot, type ScanOptions } from '../../../src/receivers/backbone_folders/scanner.ts';

const result = scanBackboneRoot(JSON.parse(process.argv[2]!) as ScanOptions);
process.stdout.write(JSON.stringify({ ...result, folders: [...result.folders], completedProjects: [...result.completedProjects] }));
